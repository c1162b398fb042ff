package org.fmjvm.nn;

import java.util.List;

import org.fmjvm.api.Tensor;

/**
 * A learned embedding of class labels, PyTorch's {@code nn.Embedding}: parameter
 * {@code <prefix>.weight} of shape {@code [classes, width]}; row {@code c} is class {@code c}'s
 * vector. Written as {@code oneHot(ids) x table}, so the gradient reaches the table on every
 * backend.
 *
 * @param prefix the module path, e.g. {@code label}
 * @param classes how many classes
 * @param width the embedding width
 */
public record ClassEmbedding(String prefix, int classes, int width) {

    /** Checks the sizes. */
    public ClassEmbedding {
        if (classes < 1 || width < 1) {
            throw new IllegalArgumentException("an embedding needs classes and width >= 1, got " + classes + " x "
                    + width);
        }
    }

    /** @return the table's name */
    public String weightName() {
        return prefix + ".weight";
    }

    /** @return the table */
    public List<ParamSpec> parameters() {
        return List.of(new ParamSpec(weightName(), new int[] {classes, width}));
    }

    /**
     * @param params the network's parameters
     * @param ids class ids {@code [B]}, whole numbers in {@code [0, classes)}
     * @return the rows of the table, {@code [B, width]}
     */
    public Tensor apply(Params params, Tensor ids) {
        Tensor oneHot = ids.oneHot(classes);
        Tensor rows = oneHot.matmul(params.get(weightName()));
        oneHot.close();
        return rows;
    }
}
