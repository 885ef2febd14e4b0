package io.pgvault.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback TCP relay in front of Azurite that injects network faults: it can hold server-side copy requests
 * (those carrying {@code x-ms-copy-source}) until released, and it can lose the response to a request — the
 * request reaches Azurite whole and is carried out, then both connections drop before the client hears back, as
 * when a network path fails at the wrong moment. Everything it forwards reaches the real Azurite unchanged (but
 * for the Host header, below); it only chooses when, and whether the answer comes back. Azurite copies within its one account instantly, so
 * "during the copy" needs the hold: a restore whose target is reached through the relay is held before a copy
 * while the test deletes its source or lets its SAS expire.
 *
 * <p>The client-to-Azurite stream of each connection is framed as HTTP/1.1 requests: a head up to the blank
 * line, then {@code Content-Length} bytes of body, then the next head (keep-alive). A head may arrive split over
 * several reads or share a read with the previous body; the framing does not care. The SDK sends one request at
 * a time per connection and always with a {@code Content-Length}; a chunked body ends the framing of that
 * connection (it is relayed as it comes, and no more requests on it are seen), which no test here relies on.
 *
 * <p>One header is changed on the way: {@code Host} names Azurite, not the relay, as if the client had addressed
 * Azurite itself (Azurite accepts a copy whose source carries a SAS only from a source on the host the request
 * names; the relay must not turn a copy within one Azurite into one between two).
 *
 * <p>It also counts what happens on the wire: every request as it was sent ({@link #requests()}: method, decoded
 * path, query and headers), requests held by a {@link #hold} predicate, and connections it could not carry on to
 * Azurite because Azurite refused them ({@link #refusedConnections()}: the client's connection is closed at once,
 * as if the service itself were down).
 */
public final class HoldingProxy implements AutoCloseable {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("\r\ncontent-length:[ \t]*(\\d+)");
    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger held = new AtomicInteger();
    private volatile CountDownLatch gate;
    private final List<Predicate<String>> loseResponse = new CopyOnWriteArrayList<>();
    private final List<String> lost = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Request> heads = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile Predicate<String> holding = head -> false;

    /** One request as it went out: the method (upper case), the URL-decoded path, the raw query, the headers. */
    public record Request(String method, String path, String query, Map<String, String> headers) {

        /** A header's value (names are case-insensitive), or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private HoldingProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** A free loopback port, chosen once per JVM under {@code property} (so a test profile and its test share it). */
    public static synchronized int port(String property) {
        String port = System.getProperty(property);
        if (port == null) {
            try (ServerSocket s = new ServerSocket(0)) {
                port = Integer.toString(s.getLocalPort());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            System.setProperty(property, port);
        }
        return Integer.parseInt(port);
    }

    /** The relay's account endpoint on {@code port}, in the form Azurite's endpoint has. */
    public static String endpoint(int port) {
        return "http://127.0.0.1:" + port + "/devstoreaccount1";
    }

    /** The relay's endpoint for the restore-target account (Azurite's second account) on {@code port}. */
    public static String targetEndpoint(int port) {
        return "http://127.0.0.1:" + port + "/pgvaulttarget";
    }

    /** The vault's connection string with its BlobEndpoint moved to the relay on {@code port}. */
    public static String relayedConnectionString(int port) {
        String real = TestServices.env("PGVAULT_VAULT_CONNECTION_STRING");
        String relayed = real.replaceAll("BlobEndpoint=[^;]*", "BlobEndpoint=" + endpoint(port));
        if (relayed.equals(real)) {
            throw new IllegalStateException("the vault connection string has no BlobEndpoint to redirect");
        }
        return relayed;
    }

    /** A relay on {@code port} in front of the Azurite that scripts/services.sh started. */
    public static HoldingProxy startInFrontOfAzurite(int port) throws IOException {
        return start(port, Integer.parseInt(TestServices.env("PGVAULT_AZURITE_PORT")));
    }

    public static HoldingProxy start(int port, int targetPort) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        HoldingProxy p = new HoldingProxy(s, targetPort);
        daemon("proxy-accept", p::acceptLoop);
        return p;
    }

    /** From now on, copy requests wait for {@link #release()}. */
    public void holdCopies() {
        hold(head -> head.contains("\nx-ms-copy-source:"));
    }

    /**
     * From now on, requests whose head (lower-cased, request line and headers) matches {@code head} wait for
     * {@link #release()} before they go on to Azurite.
     */
    public void hold(Predicate<String> head) {
        holding = head;
        gate = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /**
     * The response to the next request whose head (request line and headers, lower-cased, without the final blank
     * line) matches {@code head} is lost: the request and its whole body are forwarded and carried out, then both
     * connections close as the answer arrives, and nothing of it is relayed.
     */
    public void loseResponseOnce(Predicate<String> head) {
        loseResponse.add(head);
    }

    /** Request lines (lower-cased) whose response was really lost: the answer arrived and was dropped. */
    public List<String> lostResponses() {
        return List.copyOf(lost);
    }

    /** Every request line (lower-cased) the relay forwarded, in the order their heads arrived. */
    public List<String> requestLines() {
        return List.copyOf(requests);
    }

    /** Every request the relay forwarded (or held), parsed, in the order their heads arrived. */
    public List<Request> requests() {
        return List.copyOf(heads);
    }

    /** Requests that were held so far (copies, or what {@link #hold} matched). */
    public int heldCopies() {
        return held.get();
    }

    /** Connections the relay accepted but could not carry on because Azurite refused them (it was down). */
    public int refusedConnections() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException down) {
                    refused.incrementAndGet(); // Azurite is not there: the client sees its connection closed
                    closeQuietly(client);
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
                // The request line whose answer is to be lost, set once its last byte is about to go upstream.
                AtomicReference<String> armed = new AtomicReference<>();
                daemon("proxy-up", () -> pumpRequests(client, upstream, armed));
                daemon("proxy-down", () -> pumpResponses(upstream, client, armed));
            } catch (IOException e) {
                // closed
            }
        }
    }

    /** Client to Azurite: frames requests, records them, holds copies, arms the loss of a matching request. */
    private void pumpRequests(Socket from, Socket to, AtomicReference<String> armed) {
        byte[] buf = new byte[64 * 1024];
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;          // the last four bytes of the head so far: the head ends at CR LF CR LF
        long body = 0;          // bytes of the current request's body still to forward
        String toLose = null;   // the current request's line, if its answer is to be lost
        boolean framed = true;  // false after a body the framing cannot follow: the rest is relayed as it comes
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                int i = 0;
                while (i < n) {
                    if (!framed) {
                        out.write(buf, i, n - i);
                        i = n;
                    } else if (body > 0) {
                        int k = (int) Math.min(body, n - i);
                        body -= k;
                        if (body == 0 && toLose != null) {
                            armed.set(toLose); // before the last byte goes: the answer cannot overtake the arming
                            toLose = null;
                        }
                        out.write(buf, i, k);
                        i += k;
                    } else {
                        byte b = buf[i++];
                        if (head.size() == 0 && (b == '\r' || b == '\n')) {
                            continue; // stray line ends between requests
                        }
                        head.write(b);
                        last4 = (last4 << 8) | (b & 0xff);
                        boolean complete = last4 == 0x0d0a0d0a;
                        if (complete || head.size() > MAX_HEAD) {
                            byte[] h = head.toByteArray();
                            head.reset();
                            last4 = 0;
                            String original = new String(h, StandardCharsets.ISO_8859_1);
                            String text = original.toLowerCase(Locale.ROOT);
                            String line = text.lines().findFirst().orElse(text);
                            requests.add(line);
                            heads.add(parse(original));
                            String headers = text.strip();
                            boolean lose = false;
                            for (Predicate<String> p : loseResponse) {
                                if (p.test(headers) && loseResponse.remove(p)) {
                                    lose = true;
                                    break;
                                }
                            }
                            CountDownLatch g = gate;
                            if (g != null && holding.test(text)) {
                                held.incrementAndGet();
                                if (!g.await(2, TimeUnit.MINUTES)) {
                                    throw new IOException("held for too long");
                                }
                            }
                            Matcher m = CONTENT_LENGTH.matcher(text);
                            body = m.find() ? Long.parseLong(m.group(1)) : 0;
                            if (text.contains("\r\ntransfer-encoding:") || !complete) {
                                framed = false; // chunked, or not HTTP: relay as is, lose nothing
                                lose = false;
                            }
                            if (lose && body == 0) {
                                armed.set(line);
                            } else if (lose) {
                                toLose = line;
                            }
                            // Azurite tells a copy within itself from one between instances by the Host header:
                            // the relay stands in for Azurite, so it names Azurite there
                            out.write(original.replaceFirst("(?im)^host:[^\r\n]*", "Host: 127.0.0.1:" + targetPort)
                                    .getBytes(StandardCharsets.ISO_8859_1));
                        }
                    }
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Azurite to client: relayed unchanged, unless the request being answered was armed to lose its answer. */
    private void pumpResponses(Socket from, Socket to, AtomicReference<String> armed) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                String line = armed.get();
                if (line != null) {
                    lost.add(line);
                    return; // the request was carried out; its answer is lost with both connections
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // a side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** A request head as sent: request line, then one header per line. */
    private static Request parse(String head) {
        List<String> lines = head.strip().lines().toList();
        String[] requestLine = lines.isEmpty() ? new String[0] : lines.get(0).split(" ");
        String target = requestLine.length > 1 ? requestLine[1] : "";
        int q = target.indexOf('?');
        String path = URLDecoder.decode((q < 0 ? target : target.substring(0, q)).replace("+", "%2B"),
                StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>();
        for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
        }
        return new Request(requestLine.length > 0 ? requestLine[0] : "", path, q < 0 ? null : target.substring(q + 1),
                headers);
    }

    @Override
    public void close() {
        release();
        closeQuietly(server);
        sockets.forEach(HoldingProxy::closeQuietly);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
