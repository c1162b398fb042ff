package org.fmjvm.api;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Arrays;

/**
 * Tensors and scopes without an engine, for testing fm-api's helpers: a fake tensor knows its
 * backend, dtype and shape and nothing else (any other call fails); a fake scope only names its
 * backend.
 */
public final class FakeTensors {
    private FakeTensors() {
    }

    /**
     * @param backend what {@link Tensor#backend()} returns, may be null
     * @param dtype the dtype
     * @param shape the shape
     * @return a tensor that answers {@code backend()}, {@code dtype()}, {@code shape()} and the
     *     default methods built on them
     */
    public static Tensor tensor(Backend backend, DType dtype, int... shape) {
        int[] s = shape.clone();
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "backend":
                    return backend;
                case "dtype":
                    return dtype;
                case "shape":
                    return s.clone();
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return "FakeTensor" + Arrays.toString(s) + " " + dtype;
                default:
                    if (method.isDefault()) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    throw new UnsupportedOperationException(method.getName() + " on a fake tensor");
            }
        };
        return (Tensor) Proxy.newProxyInstance(Tensor.class.getClassLoader(), new Class<?>[] {Tensor.class}, handler);
    }

    /**
     * @param dtype the dtype
     * @param shape the shape
     * @return a tensor of no backend
     */
    public static Tensor tensor(DType dtype, int... shape) {
        return tensor(null, dtype, shape);
    }

    /** A scope that does nothing but exist; its owner's bookkeeping is what is tested. */
    public static final class Scope implements TensorScope {
        @Override
        public Backend backend() {
            return null;
        }

        @Override
        public Tensor keep(Tensor tensor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
