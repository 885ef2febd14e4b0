package io.pgvault.http;

/** Query parameters of the GET functions: {@code ?server=...&id=...&type=...}. */
public class Query {
    private String server;
    private String id;
    private String type;

    public String getServer() {
        return server;
    }

    public void setServer(String server) {
        this.server = server;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }
}
