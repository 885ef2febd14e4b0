package io.pgvault.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * when a network path fails at the wrong moment. Everything it forwards reaches the real Azurite unchanged; it
 * only chooses when, and whether the answer comes back. Azurite copies within its one account instantly, so
 * "during the copy" needs the hold: a restore whose target is reached through the relay is held before a copy
 * while the test deletes its source or lets its SAS expire.
 *
 * <p>The client-to-Azurite stream of each connection is framed as HTTP/1.1 requests: a head up to the blank
 * line, then {@code Content-Length} bytes of body, then the next head (keep-alive). A head may arrive split over
 * several reads or share a read with the previous body; the framing does not care. The SDK sends one request at
 * a time per connection and always with a {@code Content-Length}; a chunked body ends the framing of that
 * connection (it is relayed as it comes, and no more requests on it are seen), which no test here relies on.
 */
final class HoldingProxy implements AutoCloseable {

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

    private HoldingProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    static HoldingProxy start(int port, int targetPort) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        HoldingProxy p = new HoldingProxy(s, targetPort);
        daemon("proxy-accept", p::acceptLoop);
        return p;
    }

    /** From now on, copy requests wait for {@link #release()}. */
    void holdCopies() {
        gate = new CountDownLatch(1);
    }

    void release() {
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
    void loseResponseOnce(Predicate<String> head) {
        loseResponse.add(head);
    }

    /** Request lines (lower-cased) whose response was really lost: the answer arrived and was dropped. */
    List<String> lostResponses() {
        return List.copyOf(lost);
    }

    /** Every request line (lower-cased) the relay forwarded, in the order their heads arrived. */
    List<String> requestLines() {
        return List.copyOf(requests);
    }

    /** Copy requests that were held so far. */
    int heldCopies() {
        return held.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
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
                            String text = new String(h, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                            String line = text.lines().findFirst().orElse(text);
                            requests.add(line);
                            String headers = text.strip();
                            boolean lose = false;
                            for (Predicate<String> p : loseResponse) {
                                if (p.test(headers) && loseResponse.remove(p)) {
                                    lose = true;
                                    break;
                                }
                            }
                            CountDownLatch g = gate;
                            if (g != null && text.contains("\nx-ms-copy-source:")) {
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
                            out.write(h);
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
