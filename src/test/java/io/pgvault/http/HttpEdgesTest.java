package io.pgvault.http;

import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.pgvault.testing.LogCapture;
import io.quarkus.funqy.Funq;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 item 4, over real HTTP against the running app: an unknown route answers a JSON 404 naming the path and,
 * in its HINT, exactly the {@code @Funq} functions of the code; a request body that does not bind answers 400 JSON
 * with a HINT and leaves one WARN line in the log — no stack trace, no ERROR, not the body.
 */
@QuarkusTest
class HttpEdgesTest {

    /** Every {@code @Funq} function of pgvault's code, by name. */
    static List<String> funqFunctions() {
        TreeSet<String> funq = new TreeSet<>();
        for (var c : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pgvault")) {
            for (JavaMethod m : c.getMethods()) {
                if (m.isAnnotatedWith(Funq.class)) {
                    String value = m.getAnnotationOfType(Funq.class).value();
                    funq.add(value.isEmpty() ? m.getName() : value);
                }
            }
        }
        assertTrue(funq.size() >= 7, "the scan found the @Funq methods: " + funq);
        return List.copyOf(funq);
    }

    @Test
    void anUnknownRouteAnswersJson404WithThePathAndTheFunctionsOfTheCode() {
        String functions = "HINT: The functions are " + String.join(", ", funqFunctions()) + " under /api.";
        for (String path : List.of("/nosuch", "/restore/extra", "/", "/Backups", "/api/backups", "/a/b/c.html")) {
            for (Response r : List.of(given().when().get(path), given().contentType(ContentType.JSON).body("{}")
                    .when().post(path))) {
                String body = r.asString();
                assertEquals(404, r.statusCode(), path + ": " + body);
                assertTrue(r.contentType().startsWith("application/json"), path + ": " + r.contentType() + " " + body);
                assertEquals("not-found", r.path("error"), body);
                String message = r.path("message");
                assertTrue(message.contains("path: /api" + (path.equals("/") ? "" : path)), message);
                assertTrue(message.endsWith(functions), "the HINT names exactly the @Funq functions: " + message);
                assertFalse(body.contains("<html") || body.contains("\tat "), body);
            }
        }
    }

    @Test
    void aBodyThatDoesNotBindLogsOneWarnLineAndAnswers400() {
        String sasLike = "sig=EdgeSecret0123456789";
        for (String body : List.of("{\"server\": \"test-pg\", \"targetContainerUrl\": \"https://a/x?" + sasLike + "\",",
                "{\"server\": [\"test-pg\"], \"note\": \"" + sasLike + "\"}", "not json " + sasLike)) {
            try (LogCapture logs = new LogCapture()) {
                Response r = given().contentType(ContentType.JSON).body(body).when().post("/restore");
                assertEquals(400, r.statusCode(), r.asString());
                assertEquals("invalid-request", r.path("error"), r.asString());
                assertTrue(r.<String>path("message").contains("\nHINT: "), r.asString());
                List<String> refused = logs.lines().stream().filter(l -> l.contains("request body refused")).toList();
                assertEquals(1, refused.size(), "one line per bad body:\n" + logs.text());
                assertTrue(refused.get(0).startsWith("WARN ") && refused.get(0).contains("POST /api/restore"),
                        refused.get(0));
                String all = logs.text();
                assertFalse(all.contains("Failed to unmarshal input"), "Funqy never sees the body:\n" + all);
                assertFalse(all.contains("\tat ") || all.lines().anyMatch(l -> l.startsWith("ERROR") || l.startsWith("SEVERE")),
                        "no trace, no ERROR:\n" + all);
                assertFalse(all.contains(sasLike), "the body is not logged:\n" + all);
            }
        }
        // a body that binds still reaches the function, which judges its fields itself
        Response ok = given().contentType(ContentType.JSON).body("{}").when().post("/restore");
        assertEquals(400, ok.statusCode(), ok.asString());
        assertTrue(ok.<String>path("message").startsWith("The server name is not valid."), ok.asString());
    }
}
