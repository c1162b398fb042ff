package org.fmjvm.spark;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.Checkpoints;

/**
 * The models of one executor JVM, shared by its tasks: a broadcast checkpoint is loaded once per
 * JVM, and each task borrows a session (a runtime and its loaded model) for the length of the task
 * and hands it back when the task ends, successfully or not. Native libraries load with the first
 * session of a backend and stay loaded, so they load once per executor JVM however many tasks and
 * stages run there.
 *
 * <p>This is deliberately static, JVM-wide state: Spark gives a task no other place that outlives
 * it. The sessions live until the JVM exits (they hold native memory of the model's size, a few
 * hundred kilobytes to megabytes for the networks this project trains). Thread-safe.
 */
final class ExecutorModels {

    /** A runtime and its model: a single-threaded session, used by one task at a time. */
    record Session(FmRuntime runtime, VelocityModel model, Checkpoints.Loaded checkpoint) {
    }

    private static final Map<String, Checkpoints.Loaded> CHECKPOINTS = new ConcurrentHashMap<>();
    private static final Map<String, ConcurrentLinkedDeque<Session>> IDLE = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /**
     * Lends a session for the current task; it returns to the pool when the task completes (or, outside
     * a task, at once after use: call {@link #release} then).
     *
     * @param image the broadcast checkpoint
     * @param options the backend and solver
     * @return a session no other task is using
     */
    static Session borrow(CheckpointImage image, FlowOptions options) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(options, "options");
        String key = image.id() + '|' + options;
        ConcurrentLinkedDeque<Session> idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
        Session s = idle.pollFirst();
        if (s == null) {
            Checkpoints.Loaded loaded = CHECKPOINTS.computeIfAbsent(image.id(), id -> image.load());
            FmRuntime fm = FlowMatching.bootstrap(options.config());
            s = new Session(fm, fm.loadModel(loaded.info().model(), loaded.weights()), loaded);
        }
        Session session = s;
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> idle.addFirst(session));
        }
        return session;
    }

    /**
     * @param image a broadcast checkpoint
     * @param options the options its sessions were borrowed with
     * @return the sessions this JVM holds for them and no task is using
     */
    static int idleSessions(CheckpointImage image, FlowOptions options) {
        ConcurrentLinkedDeque<Session> idle = IDLE.get(image.id() + '|' + options);
        return idle == null ? 0 : idle.size();
    }

    /** @return the checkpoints this JVM has loaded */
    static int loadedCheckpoints() {
        return CHECKPOINTS.size();
    }

    /**
     * Hands a session back outside a Spark task.
     *
     * @param image the checkpoint it was borrowed for
     * @param options the options it was borrowed with
     * @param session the session
     */
    static void release(CheckpointImage image, FlowOptions options, Session session) {
        if (TaskContext.get() == null) {
            IDLE.get(image.id() + '|' + options).addFirst(session);
        }
    }
}
