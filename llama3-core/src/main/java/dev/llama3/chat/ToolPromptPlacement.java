package dev.llama3.chat;

/**
 * Where the Llama 3.1 JSON tool prompt puts the tool definitions. Meta's chat template supports both and defaults
 * to the first user message.
 */
public enum ToolPromptPlacement {
    /** In front of the first user message: "Given the following functions, please respond with a JSON ..." */
    USER_MESSAGE,
    /** At the end of the system message's preamble: "You have access to the following functions. ..." */
    SYSTEM_MESSAGE
}
