import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Starts a Neo4j 5 community DBMS in this JVM with the settings of a neo4j.conf file (Bolt on
 * loopback, the GDS plugin directory), sets the credentials, prints one READY line and serves until
 * stopped.
 *
 * <p>Usage: {@code java -cp 'lib/*:classes' Launcher HOME CONF [--watch-stdin]}. The password
 * comes from the environment (NEO4J_PASSWORD; NEO4J_USER defaults to neo4j), never from the command
 * line, so it does not show in process listings. With --watch-stdin the server stops when its
 * standard input closes: a test run that dies takes its server with it.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: Launcher HOME CONF [--watch-stdin]");
      System.exit(2);
    }
    Path home = Path.of(args[0]);
    Path conf = Path.of(args[1]);
    boolean watchStdin = args.length > 2 && args[2].equals("--watch-stdin");
    Files.createDirectories(home);

    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dbms.shutdown();
                  stopped.countDown();
                }));
    setCredentials(dbms);
    System.out.println("READY");
    System.out.flush();
    if (watchStdin) {
      waitForEof(System.in);
      System.exit(0); // runs the shutdown hook
    }
    stopped.await();
  }

  /** NEO4J_USER / NEO4J_PASSWORD from the environment become the login; the default user otherwise. */
  private static void setCredentials(DatabaseManagementService dbms) {
    String password = System.getenv("NEO4J_PASSWORD");
    if (password == null || password.isEmpty()) {
      return; // auth is disabled in the conf when no password is given
    }
    String user = System.getenv().getOrDefault("NEO4J_USER", "neo4j");
    GraphDatabaseService system = dbms.database("system");
    Map<String, Object> params = Map.of("user", user, "password", password);
    if (user.equals("neo4j")) {
      system.executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", params);
    } else {
      system.executeTransactionally(
          "CREATE USER $user IF NOT EXISTS SET PASSWORD $password CHANGE NOT REQUIRED", params);
      system.executeTransactionally(
          "ALTER USER $user SET PASSWORD $password CHANGE NOT REQUIRED", params);
    }
  }

  private static void waitForEof(InputStream in) throws IOException {
    byte[] buf = new byte[256];
    while (in.read(buf) >= 0) {
      // keep reading until the parent closes the pipe
    }
  }
}
