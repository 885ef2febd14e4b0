package io.pgvault.matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed-width text table whose cells wrap at word boundaries; for the CLI. Rows follow each other without blank
 * lines; the first column should never be empty (it marks where a row starts).
 */
final class TextTable {

    private static final String GAP = "  ";

    private final String[] headers;
    private final int[] widths;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String[] headers, int[] widths) {
        if (headers.length != widths.length) {
            throw new IllegalArgumentException("one width per header");
        }
        this.headers = headers.clone();
        this.widths = widths.clone();
    }

    TextTable row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + cells.length);
        }
        rows.add(cells.clone());
        return this;
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        appendLine(sb, headers);
        String[] rules = new String[widths.length];
        for (int i = 0; i < widths.length; i++) {
            rules[i] = "-".repeat(widths[i]);
        }
        appendLine(sb, rules);
        // no blank line between rows: a row starts where its first column has text, its wrapped lines leave it blank
        for (String[] row : rows) {
            appendRow(sb, row);
        }
        return sb.toString();
    }

    private void appendRow(StringBuilder sb, String[] cells) {
        List<List<String>> wrapped = new ArrayList<>();
        int height = 1;
        for (int i = 0; i < cells.length; i++) {
            List<String> lines = wrap(cells[i], widths[i]);
            wrapped.add(lines);
            height = Math.max(height, lines.size());
        }
        for (int line = 0; line < height; line++) {
            String[] parts = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                List<String> lines = wrapped.get(i);
                parts[i] = line < lines.size() ? lines.get(line) : "";
            }
            appendLine(sb, parts);
        }
    }

    private void appendLine(StringBuilder sb, String[] parts) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                line.append(GAP);
            }
            line.append(parts[i]);
            if (i < parts.length - 1) {
                line.append(" ".repeat(Math.max(0, widths[i] - parts[i].length())));
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    /** Wraps text to lines of at most {@code width} characters, breaking words longer than a line. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        if (text == null || text.isBlank()) {
            lines.add("");
            return lines;
        }
        for (String paragraph : text.split("\n")) {
            StringBuilder current = new StringBuilder();
            for (String word : paragraph.trim().split("\\s+")) {
                while (word.length() > width) {
                    if (current.length() > 0) {
                        lines.add(current.toString());
                        current.setLength(0);
                    }
                    lines.add(word.substring(0, width));
                    word = word.substring(width);
                }
                if (word.isEmpty()) {
                    continue;
                }
                if (current.length() > 0 && current.length() + 1 + word.length() > width) {
                    lines.add(current.toString());
                    current.setLength(0);
                }
                if (current.length() > 0) {
                    current.append(' ');
                }
                current.append(word);
            }
            if (current.length() > 0) {
                lines.add(current.toString());
            }
        }
        if (lines.isEmpty()) {
            lines.add("");
        }
        return lines;
    }
}
