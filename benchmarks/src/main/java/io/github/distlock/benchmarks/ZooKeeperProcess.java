package io.github.distlock.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.server.ZooKeeperServerMain;

/**
 * A standalone ZooKeeper server in a JVM of its own, on {@code 127.0.0.1}, so that its
 * CPU time is separable from the client's (the test harness runs ZooKeeper in-process).
 * It runs the same ZooKeeper jar as the client, from this JVM's class path; its log goes
 * to {@code benchmarks/target/zookeeper-<port>.log}.
 */
final class ZooKeeperProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private ZooKeeperProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	static ZooKeeperProcess start(Path workDir) throws IOException, InterruptedException {
		int port = freePort();
		Path dataDir = Files.createDirectories(workDir.resolve("zookeeper-" + port + ".data"));
		Path config = workDir.resolve("zookeeper-" + port + ".cfg");
		// maxClientCnxns 0: every client comes from 127.0.0.1, more than the default 60.
		Files.writeString(config,
				String.join("\n", "tickTime=2000", "dataDir=" + dataDir, "clientPort=" + port,
						"clientPortAddress=127.0.0.1", "maxClientCnxns=0", "admin.enableServer=false",
						"4lw.commands.whitelist=srvr", ""));
		Path log = workDir.resolve("zookeeper-" + port + ".log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", classPath(), ZooKeeperServerMain.class.getName(),
				config.toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
			.start();
		ZooKeeperProcess server = new ZooKeeperProcess(process, port);
		Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			try {
				server.fourLetterWord("srvr");
				return server;
			}
			catch (IOException notYet) {
				if (!process.isAlive() || System.nanoTime() - deadline > 0) {
					server.close();
					throw new IllegalStateException("ZooKeeper did not start within 60 s; see " + log, notYet);
				}
				Thread.sleep(50);
			}
		}
	}

	/** The connect string, straight to the server. */
	String connectString() {
		return "127.0.0.1:" + this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Sends a four-letter command (only {@code srvr} is allowed) and returns the answer.
	 */
	String fourLetterWord(String command) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write(command.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			in.transferTo(answer);
			return answer.toString(StandardCharsets.US_ASCII);
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * This JVM's class path; under {@code exec:java} the project's jars are on the class
	 * loader, not on {@code java.class.path}.
	 */
	private static String classPath() {
		Set<String> entries = new LinkedHashSet<>();
		for (ClassLoader loader = ZooKeeperProcess.class.getClassLoader(); loader != null; loader = loader
			.getParent()) {
			if (loader instanceof URLClassLoader urls) {
				for (URL url : urls.getURLs()) {
					if ("file".equals(url.getProtocol())) {
						entries.add(new File(url.getPath()).getPath());
					}
				}
			}
		}
		List<String> all = new ArrayList<>(entries);
		all.add(System.getProperty("java.class.path"));
		return String.join(File.pathSeparator, all);
	}

}
