import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a flight recording of Outrigger under load: the methods the CPU samples land in
 * (self), the methods on the stack of the samples (inclusive, each method counted once per
 * sample), where allocation samples come from (by weight), and the collections.
 *
 * <pre>
 * java bench/JfrTop.java RECORDING.jfr [TOP] [FILTER]
 * </pre>
 *
 * FILTER (default {@code dev.outrigger}) picks which methods the inclusive list shows: ours and
 * Netty's channel handlers, so it reads as the path of a request.
 */
public final class JfrTop {

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java bench/JfrTop.java RECORDING.jfr [TOP] [FILTER]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        String filter = args.length > 2 ? args[2] : "dev.outrigger";
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Long> allocated = new HashMap<>();
        int samples = 0;
        long allocatedTotal = 0;
        int collections = 0;
        Duration pauseTotal = Duration.ZERO;
        Duration pauseMax = Duration.ZERO;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ExecutionSample")) {
                List<RecordedFrame> frames = frames(e.getStackTrace());
                if (frames.isEmpty()) {
                    continue;
                }
                samples++;
                self.merge(name(frames.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    if (seen.add(n)) {
                        inclusive.merge(n, 1, Integer::sum);
                    }
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                List<RecordedFrame> frames = frames(e.getStackTrace());
                long weight = e.getLong("weight");
                allocatedTotal += weight;
                String site = frames.isEmpty() ? "?" : name(frames.get(0));
                allocated.merge(e.getClass("objectClass").getName() + " at " + site + " (" + firstOf(frames, filter) + ")",
                        weight, Long::sum);
            } else if (type.equals("jdk.GarbageCollection")) {
                collections++;
                Duration pause = e.getDuration("sumOfPauses");
                pauseTotal = pauseTotal.plus(pause);
                if (pause.compareTo(pauseMax) > 0) {
                    pauseMax = pause;
                }
            }
        }
        System.out.printf("%d CPU samples%n%n-- self (the method running when sampled)%n", samples);
        print(self, samples, top, n -> true);
        System.out.printf("%n-- inclusive, %s and Netty handlers (on the stack when sampled)%n", filter);
        print(inclusive, samples, top * 2,
                n -> n.startsWith(filter) || n.startsWith("io.netty.handler") || n.startsWith("io.netty.channel.epoll"));
        System.out.printf("%n-- allocation samples by weight: class at site (first %s frame)%n", filter);
        long allocatedSum = Math.max(1, allocatedTotal);
        allocated.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("%5.1f%% %s%n", 100.0 * en.getValue() / allocatedSum,
                        en.getKey()));
        System.out.printf("%n-- %d collections, pauses total %.1f ms, longest %.2f ms%n", collections,
                pauseTotal.toNanos() / 1e6, pauseMax.toNanos() / 1e6);
    }

    private static List<RecordedFrame> frames(RecordedStackTrace stack) {
        return stack == null ? List.of() : stack.getFrames();
    }

    private static String name(RecordedFrame frame) {
        RecordedMethod m = frame.getMethod();
        return m.getType().getName() + "." + m.getName();
    }

    private static String firstOf(List<RecordedFrame> frames, String prefix) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (n.startsWith(prefix)) {
                return n;
            }
        }
        return "no " + prefix + " frame on the stack";
    }

    private static void print(Map<String, Integer> counts, int total, int limit, java.util.function.Predicate<String> keep) {
        counts.entrySet().stream().filter(en -> keep.test(en.getKey()))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(en -> System.out.printf("%5.1f%% %s%n", 100.0 * en.getValue() / Math.max(1, total), en.getKey()));
    }
}
