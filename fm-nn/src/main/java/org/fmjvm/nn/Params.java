package org.fmjvm.nn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fmjvm.api.Tensor;

/**
 * The tensors a {@link Network}'s forward pass reads, by name: its trainable parameters followed by
 * its buffers (fixed tensors such as frequencies). The tensors are whatever the backend hands the
 * forward pass: store tensors when it runs eagerly, symbolic ones while it is traced.
 */
public final class Params {
    private final Map<String, Tensor> byName;

    private Params(Map<String, Tensor> byName) {
        this.byName = byName;
    }

    /**
     * @param names the names, in order
     * @param tensors one tensor per name
     * @return the lookup
     * @throws IllegalArgumentException if the counts differ or a name repeats
     */
    public static Params of(List<String> names, List<Tensor> tensors) {
        if (names.size() != tensors.size()) {
            throw new IllegalArgumentException(names.size() + " parameter names but " + tensors.size() + " tensors");
        }
        Map<String, Tensor> map = new HashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
            if (map.put(names.get(i), tensors.get(i)) != null) {
                throw new IllegalArgumentException("parameter name '" + names.get(i) + "' appears twice");
            }
        }
        return new Params(map);
    }

    /**
     * @param name a parameter or buffer name, e.g. {@code net.0.weight}
     * @return its tensor
     * @throws IllegalArgumentException naming the known names if there is none of that name
     */
    public Tensor get(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the network has no parameter '" + name + "'; it has "
                    + new java.util.TreeSet<>(byName.keySet()));
        }
        return t;
    }
}
