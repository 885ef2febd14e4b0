package io.pgvault.fleet;

import io.pgvault.testing.TestServices;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** The fleet's HTTP functions as a client calls them, and the request bodies of the tests' real servers. */
final class FleetHttp {

    private FleetHttp() {
    }

    static Response protect(Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/protect");
    }

    static Response unprotect(Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/unprotect");
    }

    static List<Map<String, Object>> servers() {
        return given().when().get("/servers").then().statusCode(200).extract().jsonPath().getList("$");
    }

    static Map<String, Object> server(List<Map<String, Object>> view, String name) {
        return view.stream().filter(s -> name.equals(s.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in the view: " + view));
    }

    /** A protect body for a local server on {@code port}, the password named by reference. */
    static Map<String, Object> body(String name, int port) {
        Map<String, Object> b = new HashMap<>();
        b.put("server", name);
        b.put("host", "127.0.0.1");
        b.put("port", port);
        b.put("user", "postgres");
        b.put("auth", "password");
        b.put("passwordRef", "env:PGVAULT_PG_PASSWORD");
        b.put("sslmode", "disable");
        b.put("policy", Map.of("dayOfWeek", "sun", "hourUtc", 2, "parallelism", 1));
        return b;
    }

    static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> b = new HashMap<>(body);
        b.put(key, value);
        return b;
    }

    static Map<String, Object> a() {
        return body(Fleet.A, TestServices.pgPort());
    }

    static Map<String, Object> b() {
        return body(Fleet.B, TestServices.targetPgPort());
    }

    static Map<String, Object> replica() {
        return body(Fleet.REPLICA, io.pgvault.matrix.real.Real.standbyPort());
    }

    static Map<String, Object> down() {
        return body(Fleet.DOWN, closedPort());
    }

    /** A loopback port nothing listens on (bound, then freed). */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
