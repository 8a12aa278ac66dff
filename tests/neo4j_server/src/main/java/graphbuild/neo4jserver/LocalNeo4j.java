package graphbuild.neo4jserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * A local Neo4j 5.26 Community server (the official test harness) for graphbuild's tests and
 * {@code make neo4j}: Bolt only, on 127.0.0.1, in a fresh work directory that is removed on exit.
 *
 * <p>Settings come from system properties: {@code neo4j.host} (default 127.0.0.1),
 * {@code neo4j.bolt.port} (default 7687; 0 picks a free port), {@code neo4j.workdir} (parent
 * directory for the store; default the system temp dir), {@code neo4j.pagecache} (default
 * 256m), {@code neo4j.txmemory} (cap on all transactions' memory, default 768m),
 * {@code neo4j.import} (the directory {@code LOAD CSV FROM 'file:///...'} reads, i.e.
 * server.directories.import; default: the harness's own). Auth is on
 * when the environment variable {@code GRAPHBUILD_NEO4J_PASSWORD} is set (user {@code neo4j});
 * the password never appears on the command line.
 *
 * <p>Prints {@code NEO4J_URI=bolt://host:port} on stdout once the server accepts Bolt
 * connections, then waits for SIGTERM / SIGINT, shuts the database down, deletes the work
 * directory (in the shutdown hook) and exits 0.
 */
public final class LocalNeo4j {

    private LocalNeo4j() {}

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        String host = System.getProperty("neo4j.host", "127.0.0.1");
        int port = Integer.parseInt(System.getProperty("neo4j.bolt.port", "7687"));
        Path parent = Path.of(System.getProperty("neo4j.workdir", System.getProperty("java.io.tmpdir")));
        long pageCache = bytes(System.getProperty("neo4j.pagecache", "256m"));
        long txMemory = bytes(System.getProperty("neo4j.txmemory", "768m"));
        String importDir = System.getProperty("neo4j.import", "");
        String password = System.getenv("GRAPHBUILD_NEO4J_PASSWORD");
        boolean auth = password != null && !password.isEmpty();

        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, "graphbuild-neo4j-");
        Neo4j neo4j;
        try {
            var builder = Neo4jBuilders.newInProcessBuilder(work);
            if (!importDir.isEmpty()) {  // LOAD CSV from file:/// URLs, confined to this directory
                builder = builder.withConfig(GraphDatabaseSettings.load_csv_file_url_root, Path.of(importDir))
                        .withConfig(GraphDatabaseSettings.allow_file_urls, true);
            }
            neo4j = builder
                    .withDisabledServer()   // no HTTP/HTTPS connector: the driver needs Bolt only
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                    .withConfig(GraphDatabaseSettings.auth_enabled, auth)
                    .withConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                    .withConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemory)
                    .build();
        } catch (RuntimeException e) {
            deleteTree(work);
            System.err.println("neo4j: cannot start: " + e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                neo4j.close();
            } catch (RuntimeException e) {
                System.err.println("neo4j: error while stopping: " + e);
            } finally {
                deleteTree(work);
                System.err.println("neo4j: stopped, removed " + work);
                stopped.countDown();
            }
        }, "graphbuild-neo4j-stop"));

        try {
            if (auth) {  // the harness starts with user neo4j; give it the password, no change required
                neo4j.databaseManagementService().database("system").executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
            }
        } catch (RuntimeException e) {
            System.err.println("neo4j: cannot set the password: " + e.getMessage());
            System.exit(1);  // runs the shutdown hook: database stopped, work directory removed
        }

        // SIGTERM / SIGINT (Ctrl-C): exit 0 through the shutdown hook. A shell's background job
        // inherits SIGINT as ignored, and the JVM keeps it so: stop those with SIGTERM.
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> System.exit(0));
        }

        URI bolt = neo4j.boltURI();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("NEO4J_URI=bolt://" + host + ":" + bolt.getPort());
        System.out.println("NEO4J_AUTH=" + (auth ? "neo4j/<GRAPHBUILD_NEO4J_PASSWORD>" : "none"));
        System.out.println("NEO4J_WORKDIR=" + work);
        System.out.println("NEO4J_START_MS=" + ms);
        System.out.flush();
        stopped.await();  // the shutdown hook (SIGTERM / SIGINT) releases this
    }

    /** "256m" / "1g" / "1048576" -> bytes. */
    static long bytes(String text) {
        String t = text.trim().toLowerCase();
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * unit;
    }

    /** rm -rf, deepest first; a missing tree is fine. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("neo4j: could not remove " + root + ": " + e);
        }
    }
}
