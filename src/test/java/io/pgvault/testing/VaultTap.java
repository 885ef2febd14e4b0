package io.pgvault.testing;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.vault.VaultClients;
import io.pgvault.vault.VaultStore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A vault client with an azure-core pipeline policy in front of the real Azurite: it records every request
 * pgvault sends (method, path, query, headers) and can add response headers that only Azure sends (an
 * immutability policy or legal hold on a blob: Azurite has neither). Nothing is answered in Azurite's place.
 */
public final class VaultTap extends HttpPipelineSyncPolicy {

    /** One request as it went out, and Azurite's status. */
    public record Sent(HttpMethod method, String path, String query, Map<String, String> headers, int status) {
    }

    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final Function<HttpRequest, Map<String, String>> extraResponseHeaders;

    /** {@code extraResponseHeaders}: headers to add to the response of a request (empty map: none). */
    public VaultTap(Function<HttpRequest, Map<String, String>> extraResponseHeaders) {
        this.extraResponseHeaders = extraResponseHeaders;
    }

    public VaultTap() {
        this(r -> Map.of());
    }

    public List<Sent> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    /** A VaultStore like the app's, whose client goes through this tap. */
    public VaultStore store(PgvaultConfig config, ObjectMapper json) {
        BlobServiceClient service = new BlobServiceClientBuilder()
                .connectionString(TestServices.env("PGVAULT_VAULT_CONNECTION_STRING")).addPolicy(this).buildClient();
        VaultClients clients = new VaultClients(config) {
            @Override
            public BlobServiceClient service() {
                return service;
            }
        };
        return new VaultStore(clients, config, json);
    }

    /** The request's path with %2F and friends decoded: {@code /devstoreaccount1/pgvault/test-pg/<id>/roles.sql}. */
    public static String path(HttpRequest r) {
        try {
            return r.getUrl().toURI().getPath();
        } catch (java.net.URISyntaxException e) {
            return r.getUrl().getPath();
        }
    }

    @Override
    protected HttpResponse afterReceivedResponse(HttpPipelineCallContext context, HttpResponse response) {
        HttpRequest r = context.getHttpRequest();
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        r.getHeaders().forEach(h -> headers.put(h.getName(), h.getValue()));
        sent.add(new Sent(r.getHttpMethod(), path(r), r.getUrl().getQuery(), headers, response.getStatusCode()));
        Map<String, String> extra = extraResponseHeaders.apply(r);
        return extra.isEmpty() ? response : new WithHeaders(response, extra);
    }

    /** The real response with some headers added. */
    private static final class WithHeaders extends HttpResponse {
        private final HttpResponse inner;
        private final HttpHeaders headers = new HttpHeaders();

        WithHeaders(HttpResponse inner, Map<String, String> extra) {
            super(inner.getRequest());
            this.inner = inner;
            inner.getHeaders().forEach(h -> headers.set(h.getName(), h.getValue()));
            extra.forEach(headers::set);
        }

        @Override
        public int getStatusCode() {
            return inner.getStatusCode();
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return inner.getBody();
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return inner.getBodyAsByteArray();
        }

        @Override
        public Mono<String> getBodyAsString() {
            return inner.getBodyAsString();
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return inner.getBodyAsString(charset);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
