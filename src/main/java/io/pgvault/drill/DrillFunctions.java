package io.pgvault.drill;

import io.pgvault.http.Query;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.util.List;

/** HTTP function of restore drills: their history. */
public class DrillFunctions {

    @Inject
    DrillService drills;

    /** GET /api/drills[?server=…] — drill reports (every server's, or one's), newest first. */
    @Funq("drills")
    public List<DrillReport> drills(Query query) {
        return drills.history(query == null ? null : query.getServer());
    }
}
