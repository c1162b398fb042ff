package org.fmjvm.backend.tf;

import java.util.List;

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
 */
record TfGraphFunction(String name, String what, byte[] definition, int arguments, int outputs,
        List<TfTensor> captures) {
}
