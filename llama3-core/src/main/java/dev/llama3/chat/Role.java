package dev.llama3.chat;

/**
 * Who speaks a message in the Llama 3 dialog format. {@link #header()} is the text between
 * {@code <|start_header_id|>} and {@code <|end_header_id|>}.
 */
public enum Role {
    SYSTEM("system"),
    USER("user"),
    ASSISTANT("assistant"),
    /** Output of a tool call (Llama 3.1+ names this role {@code ipython}). */
    IPYTHON("ipython");

    private final String header;

    Role(String header) {
        this.header = header;
    }

    /** The role name as written in the message header, e.g. {@code "assistant"}. */
    public String header() {
        return header;
    }

    /**
     * The role whose header is {@code header} (exact, lower case as in the format).
     *
     * @throws IllegalArgumentException for any other text
     */
    public static Role fromHeader(String header) {
        for (Role r : values()) {
            if (r.header.equals(header)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown Llama 3 role header: " + header
                + " (expected one of system, user, assistant, ipython)");
    }
}
