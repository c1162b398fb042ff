package org.fmjvm.backend.tf;

import java.util.List;

import org.fmjvm.api.DType;

/**
 * A traced function ({@link TfTrace#finish}) ready to be registered in the eager context and called
 * like an operation.
 *
 * @param name its name in the eager context, unique per backend
 * @param what the name the user gave, for messages
 * @param definition the serialized {@code FunctionDef}
 * @param arguments how many arguments a call passes first
 * @param outputs how many results it returns
 * @param captures the eager tensors the trace captured, passed after the arguments at every call
 * @param outputShapes each result's shape as traced, {@code -1} where it depends on the batch
 * @param outputTypes each result's dtype
 */
record TfGraphFunction(String name, String what, byte[] definition, int arguments, int outputs,
        List<TfTensor> captures, List<int[]> outputShapes, List<DType> outputTypes) {

    /**
     * @param i a result
     * @return its shape if the trace fixed every length, else null (read it from the result); the
     *     array is shared by every result of this function, which only reads it (a tensor hands
     *     out copies of its shape)
     */
    int[] knownShape(int i) {
        int[] shape = outputShapes.get(i);
        for (int d : shape) {
            if (d < 0) {
                return null;
            }
        }
        return shape;
    }
}
