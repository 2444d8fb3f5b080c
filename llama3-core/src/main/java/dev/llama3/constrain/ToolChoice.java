package dev.llama3.constrain;

/** Whether a tool-calling generation may answer in text. */
public enum ToolChoice {
    /** Free text (not starting with '{') or exactly one tool call. */
    AUTO,
    /** Exactly one tool call. */
    REQUIRED
}
