package org.fmjvm.backend.tf;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextAddFunctionDef;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextOptionsSetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextRemoveFunction;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteOp;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteTensorHandle;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_Execute;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewOp;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewTensorHandle;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpAddInput;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpAddInputList;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrBool;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrInt;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrType;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_TensorHandleCopySharingTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_TensorHandleDataType;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_TensorHandleDim;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_TensorHandleNumDims;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_TensorHandleResolve;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_AllocateTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DOUBLE;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_FLOAT;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_INT32;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorByteSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.fmjvm.api.DType;
import org.fmjvm.api.error.BackendException;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TFE_ContextOptions;
import org.tensorflow.internal.c_api.TFE_Op;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.TF_Tensor;
import org.tensorflow.proto.ConfigProto;

/**
 * One TensorFlow eager context ({@code TFE_Context}) driven through the TensorFlow C API, as TF Java
 * 1.1 publishes it ({@code org.tensorflow.internal.c_api}, the JavaCPP bindings that TF Java's own
 * classes are built on). Everything the backend executes goes through here: the tensor algebra as
 * single eager operations ({@link #eager}, the eager {@link TfEmitter}), and traced functions
 * ({@link #addFunction}, {@link #callFunction}).
 *
 * <p><b>Why the C API.</b> TF Java's public eager API ({@code EagerSession}) attaches every operation
 * and output handle to a session-wide weak pointer scope: they are freed by the garbage collector or
 * when the whole session closes, never one by one (6,000 iterations of four small eager operations
 * grew the process from 0.3 to 2.2 GB here), and it costs 60-80 us per operation. Running each
 * operation as a small cached graph in a {@code Session} frees deterministically but costs about
 * 60 us per run, and opening an {@code EagerSession} per scope costs 100-250 us before any work.
 * Through the C API a handle is deleted exactly when its tensor or scope closes
 * ({@code TFE_DeleteTensorHandle}), and an operation costs 4-6 us. Models run as functions in the
 * same context rather than as graph {@code Session}s: as fast (1.1 ms per training step at
 * batch 256 as a function, 1.3 ms as a session, in a prototype), one execution path, and without
 * the MLIR and absl notices that TensorFlow's session optimizer prints to stderr.
 *
 * <p><b>Handles.</b> A {@code TFE_TensorHandle} is an immutable reference-counted view of a CPU
 * buffer; creating a handle from a {@code TF_Tensor}, resolving a handle to a {@code TF_Tensor} and
 * passing handles to operations or functions share the buffer, so nothing is copied between tensors
 * and models. {@link #liveHandles()} counts the handles this runtime made and has not deleted yet.
 *
 * <p><b>Thread safety.</b> The context may be used from several threads at once (TensorFlow's eager
 * context is thread-safe); per-thread scratch (a status object and pointer arrays) lives in a
 * {@link ThreadLocal} of this instance. Closing is not synchronised with running calls: close the
 * backend after the work has ended.
 */
final class TfRuntime implements AutoCloseable {
    private static final int TF_BOOL_TRUE = 1;

    private final TFE_Context context;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private final AtomicLong liveHandles = new AtomicLong();
    private volatile boolean closed;

    /** Per-thread native scratch, reused by every call on that thread. */
    private static final class Scratch {
        final TF_Status status = TF_Status.newStatus();
        final IntPointer count = new IntPointer(1);
        PointerPointer<TFE_TensorHandle> outputs = new PointerPointer<>(8);
        PointerPointer<TFE_TensorHandle> list = new PointerPointer<>(4);

        PointerPointer<TFE_TensorHandle> outputs(int n) {
            if (outputs.capacity() < n) {
                outputs.close();
                outputs = new PointerPointer<>(Math.max(n, 2 * outputs.capacity()));
            }
            return outputs;
        }

        PointerPointer<TFE_TensorHandle> list(int n) {
            if (list.capacity() < n) {
                list.close();
                list = new PointerPointer<>(Math.max(n, 2 * list.capacity()));
            }
            return list;
        }
    }

    /**
     * @param intraOpThreads TensorFlow's intra-op threads ({@code >= 1})
     * @param interOpThreads TensorFlow's inter-op threads ({@code >= 1}) for this context
     * @throws BackendException if the context cannot be created
     */
    TfRuntime(int intraOpThreads, int interOpThreads) {
        byte[] config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .build().toByteArray();
        Scratch s = scratch.get();
        TFE_ContextOptions options = TFE_NewContextOptions();
        try (BytePointer bytes = new BytePointer(config)) {
            TFE_ContextOptionsSetConfig(options, bytes, config.length, s.status);
            check(s.status, "configure the eager context");
            TFE_Context ctx = TFE_NewContext(options, s.status);
            check(s.status, "create the eager context");
            this.context = ctx;
        } finally {
            TFE_DeleteContextOptions(options);
        }
    }

    /** @return native tensor handles made by this runtime and not deleted yet */
    long liveHandles() {
        return liveHandles.get();
    }

    // ---------------------------------------------------------------- tensors in and out

    /**
     * @param data values, row-major (copied)
     * @param shape the shape
     * @return a new float32 handle
     */
    TFE_TensorHandle floats(float[] data, int[] shape) {
        return handle(TF_FLOAT, shape, 4L * data.length, p -> new FloatPointer(p).capacity(data.length).put(data));
    }

    /**
     * @param data values, row-major (copied)
     * @param shape the shape
     * @return a new float64 handle
     */
    TFE_TensorHandle doubles(double[] data, int[] shape) {
        return handle(TF_DOUBLE, shape, 8L * data.length, p -> new DoublePointer(p).capacity(data.length).put(data));
    }

    /**
     * @param data values (copied)
     * @param shape the shape
     * @return a new int32 handle (indices, axes, shapes)
     */
    TFE_TensorHandle ints(int[] data, int... shape) {
        return handle(TF_INT32, shape, 4L * data.length, p -> new IntPointer(p).capacity(data.length).put(data));
    }

    /**
     * @param dtype the element type
     * @param value the value, rounded to float32 for {@link DType#FLOAT32}
     * @return a new scalar handle (shape {@code []})
     */
    TFE_TensorHandle scalar(DType dtype, double value) {
        return dtype == DType.FLOAT32 ? floats(new float[] {(float) value}, new int[0])
                : doubles(new double[] {value}, new int[0]);
    }

    /**
     * @param value the value
     * @return a new int32 scalar handle
     */
    TFE_TensorHandle intScalar(int value) {
        return ints(new int[] {value});
    }

    /**
     * @param handle a float32 handle
     * @param count its element count
     * @return its elements, row-major
     */
    float[] readFloats(TFE_TensorHandle handle, int count) {
        float[] out = new float[count];
        read(handle, 4L * count, p -> new FloatPointer(p).capacity(count).get(out));
        return out;
    }

    /**
     * @param handle a float64 handle
     * @param count its element count
     * @return its elements, row-major
     */
    double[] readDoubles(TFE_TensorHandle handle, int count) {
        double[] out = new double[count];
        read(handle, 8L * count, p -> new DoublePointer(p).capacity(count).get(out));
        return out;
    }

    /**
     * @param handle a handle
     * @return its shape
     */
    int[] shape(TFE_TensorHandle handle) {
        TF_Status status = scratch.get().status;
        int rank = TFE_TensorHandleNumDims(handle, status);
        check(status, "read a tensor's rank");
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = Math.toIntExact(TFE_TensorHandleDim(handle, i, status));
            check(status, "read a tensor's shape");
        }
        return shape;
    }

    /**
     * @param handle a handle
     * @return its element type
     * @throws BackendException if it is neither float32 nor float64
     */
    static DType dtype(TFE_TensorHandle handle) {
        int type = TFE_TensorHandleDataType(handle);
        if (type == TF_FLOAT) {
            return DType.FLOAT32;
        }
        if (type == TF_DOUBLE) {
            return DType.FLOAT64;
        }
        throw new BackendException("tf: unexpected native element type " + type + " (expected float32 or float64)");
    }

    /**
     * @param handle a handle
     * @return a second reference to the same immutable tensor, to be deleted separately
     */
    TFE_TensorHandle share(TFE_TensorHandle handle) {
        TF_Status status = scratch.get().status;
        TFE_TensorHandle copy = TFE_TensorHandleCopySharingTensor(handle, status);
        check(status, "share a tensor");
        liveHandles.incrementAndGet();
        return copy;
    }

    /**
     * Deletes a handle made by this runtime; its buffer is freed once no other handle shares it.
     * Null is ignored. The Java object is left as it is: JavaCPP may hand out one object for two
     * handles at the same address ({@link #share} returns the same native handle with one more
     * reference), so callers track deletion themselves and delete each handle they own once.
     *
     * @param handle the handle
     */
    void delete(TFE_TensorHandle handle) {
        if (handle != null && !handle.isNull()) {
            TFE_DeleteTensorHandle(handle);
            liveHandles.decrementAndGet();
        }
    }

    /** @return a new handle of a tensor of {@code bytes} bytes that {@code fill} wrote */
    private TFE_TensorHandle handle(int type, int[] shape, long bytes, Consumer<Pointer> fill) {
        checkOpen();
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        TF_Tensor t = TF_AllocateTensor(type, dims, dims.length, bytes);
        if (t == null || t.isNull()) {
            throw new BackendException("tf: could not allocate a tensor of " + bytes + " bytes");
        }
        try {
            if (bytes > 0) {
                fill.accept(TF_TensorData(t));
            }
            TF_Status status = scratch.get().status;
            TFE_TensorHandle h = TFE_NewTensorHandle(t, status);
            check(status, "wrap a tensor");
            liveHandles.incrementAndGet();
            return h;
        } finally {
            TF_DeleteTensor(t);
        }
    }

    /** Gives the {@code bytes} bytes of the handle's tensor to {@code copy}. */
    private void read(TFE_TensorHandle handle, long bytes, Consumer<Pointer> copy) {
        checkOpen();
        TF_Status status = scratch.get().status;
        TF_Tensor t = TFE_TensorHandleResolve(handle, status);
        check(status, "read a tensor");
        try {
            requireBytes(t, bytes);
            if (bytes > 0) {
                copy.accept(TF_TensorData(t));
            }
        } finally {
            TF_DeleteTensor(t);
        }
    }

    private static void requireBytes(TF_Tensor t, long bytes) {
        long have = TF_TensorByteSize(t);
        if (have != bytes) {
            throw new BackendException("tf: tensor holds " + have + " bytes, expected " + bytes);
        }
    }

    // ---------------------------------------------------------------- operations

    /**
     * Starts an eager operation or a call of a registered function.
     *
     * @param type the TensorFlow op type ({@code AddV2}, {@code Sum}, ...) or a function name
     * @return the call; add inputs and attributes, then {@link EagerCall#build} or
     *     {@link EagerCall#execute}
     */
    EagerCall op(String type) {
        return op(type, null);
    }

    private EagerCall op(String type, List<TFE_TensorHandle> made) {
        checkOpen();
        Scratch s = scratch.get();
        TFE_Op op = TFE_NewOp(context, type, s.status);
        check(s.status, type);
        return new EagerCall(type, op, s, made);
    }

    /**
     * Runs operations written against {@link TfEmitter} eagerly. Every handle {@code body} makes
     * through the emitter (constants, intermediate results) except the one it returns is deleted
     * afterwards, also when it fails; the returned handle belongs to the caller.
     *
     * @param body the operations
     * @return their result
     */
    TFE_TensorHandle eager(Function<TfEmitter<TFE_TensorHandle>, TFE_TensorHandle> body) {
        Eager e = new Eager();
        TFE_TensorHandle result = null;
        try {
            result = body.apply(e);
            return result;
        } finally {
            for (EagerCall call : e.calls) {
                call.close();
            }
            for (TFE_TensorHandle h : e.made) {
                if (h != result) {
                    delete(h);
                }
            }
        }
    }

    /** The eager {@link TfEmitter} of one {@link #eager} run: remembers what it made. */
    private final class Eager implements TfEmitter<TFE_TensorHandle> {
        private final List<TFE_TensorHandle> made = new ArrayList<>(4);
        private final List<EagerCall> calls = new ArrayList<>(2);

        @Override
        public EagerCall op(String type) {
            EagerCall call = TfRuntime.this.op(type, made);
            calls.add(call);
            return call;
        }

        @Override
        public TFE_TensorHandle scalar(DType dtype, double value) {
            return made(TfRuntime.this.scalar(dtype, value));
        }

        @Override
        public TFE_TensorHandle ints(int... values) {
            return made(TfRuntime.this.ints(values, values.length));
        }

        @Override
        public TFE_TensorHandle intScalar(int value) {
            return made(TfRuntime.this.intScalar(value));
        }

        @Override
        public TFE_TensorHandle identity(TFE_TensorHandle x) {
            return made(share(x));
        }

        private TFE_TensorHandle made(TFE_TensorHandle h) {
            made.add(h);
            return h;
        }
    }

    /**
     * One eager operation being assembled. Executing (or closing) deletes the native op; inputs stay
     * owned by the caller. Not thread-safe; use on the thread that made it.
     */
    final class EagerCall implements TfEmitter.Call<TFE_TensorHandle>, AutoCloseable {
        private final String type;
        private final Scratch s;
        private final List<TFE_TensorHandle> made;
        private TFE_Op op;

        private EagerCall(String type, TFE_Op op, Scratch s, List<TFE_TensorHandle> made) {
            this.type = type;
            this.op = op;
            this.s = s;
            this.made = made;
        }

        /** @return this call with one more input */
        @Override
        public EagerCall input(TFE_TensorHandle handle) {
            TFE_OpAddInput(op, handle, s.status);
            check(s.status, type);
            return this;
        }

        /** @return this call with a list input (sets no attribute; set {@code N} yourself if needed) */
        @Override
        public EagerCall inputList(List<TFE_TensorHandle> handles) {
            PointerPointer<TFE_TensorHandle> list = s.list(handles.size());
            for (int i = 0; i < handles.size(); i++) {
                list.put(i, handles.get(i));
            }
            TFE_OpAddInputList(op, list, handles.size(), s.status);
            check(s.status, type);
            return this;
        }

        /** @return this call with a type attribute */
        @Override
        public EagerCall type(String name, DType dtype) {
            TFE_OpSetAttrType(op, name, dtype == DType.FLOAT32 ? TF_FLOAT : TF_DOUBLE);
            return this;
        }

        /** @return this call with the type attribute {@code name} set to int32 */
        @Override
        public EagerCall int32(String name) {
            TFE_OpSetAttrType(op, name, TF_INT32);
            return this;
        }

        /** @return this call with a boolean attribute */
        @Override
        public EagerCall bool(String name, boolean value) {
            TFE_OpSetAttrBool(op, name, (byte) (value ? TF_BOOL_TRUE : 0));
            return this;
        }

        /** @return this call with an integer attribute */
        @Override
        public EagerCall integer(String name, long value) {
            TFE_OpSetAttrInt(op, name, value);
            return this;
        }

        /**
         * Runs the operation; the native op is deleted.
         *
         * @return its single output, a new handle owned by the caller
         */
        @Override
        public TFE_TensorHandle build() {
            return execute(1)[0];
        }

        /**
         * Runs the operation; the native op is deleted.
         *
         * @param outputs how many outputs it has
         * @return its outputs, new handles owned by the caller
         */
        TFE_TensorHandle[] execute(int outputs) {
            try {
                PointerPointer<TFE_TensorHandle> out = s.outputs(outputs);
                s.count.put(outputs);
                TFE_Execute(op, out, s.count, s.status);
                check(s.status, type);
                int n = s.count.get();
                if (n != outputs) {
                    throw new BackendException("tf: " + type + " returned " + n + " outputs, expected " + outputs);
                }
                TFE_TensorHandle[] handles = new TFE_TensorHandle[n];
                for (int i = 0; i < n; i++) {
                    handles[i] = out.get(TFE_TensorHandle.class, i);
                }
                liveHandles.addAndGet(n);
                if (made != null) {
                    made.addAll(Arrays.asList(handles));
                }
                return handles;
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            if (op != null) {
                TFE_DeleteOp(op);
                op = null;
            }
        }
    }

    // ---------------------------------------------------------------- functions

    /**
     * Registers a function (a serialized {@code FunctionDef}) with the context; it is then called
     * like an operation named after it.
     *
     * @param functionDef the serialized definition
     * @param what what it is, for error messages
     */
    void addFunction(byte[] functionDef, String what) {
        checkOpen();
        TF_Status status = scratch.get().status;
        try (BytePointer bytes = new BytePointer(functionDef)) {
            TFE_ContextAddFunctionDef(context, bytes, functionDef.length, status);
            check(status, "register " + what);
        }
    }

    /**
     * Calls a registered function.
     *
     * @param name the function's name
     * @param outputs how many results it returns
     * @param inputs its arguments, in order (still owned by the caller)
     * @return its results, new handles owned by the caller
     */
    TFE_TensorHandle[] callFunction(String name, int outputs, TFE_TensorHandle... inputs) {
        try (EagerCall call = op(name)) {
            for (TFE_TensorHandle h : inputs) {
                call.input(h);
            }
            return call.execute(outputs);
        }
    }

    /**
     * @param name a registered function's name
     */
    void removeFunction(String name) {
        if (!closed) {
            TF_Status status = scratch.get().status;
            TFE_ContextRemoveFunction(context, name, status);
            check(status, "remove function " + name);
        }
    }

    // ---------------------------------------------------------------- errors and lifecycle

    /**
     * @param status a status after a C API call
     * @param what what was attempted
     * @throws BackendException with TensorFlow's message if the status is not OK
     */
    static void check(TF_Status status, String what) {
        int code = TF_GetCode(status);
        if (code != TF_OK) {
            String message = TF_Message(status).getString().lines().findFirst().orElse("");
            // some C API calls only write the status on failure: reset it for the thread's next call
            TF_SetStatus(status, TF_OK, "");
            throw new BackendException("tf: TensorFlow failed in " + what + " (code " + code + "): " + message);
        }
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the tf backend is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Deletes the eager context. Every handle should have been deleted before. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TFE_DeleteContext(context);
        }
    }
}
