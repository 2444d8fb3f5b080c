package dev.llama3.samples.chat;

/** A request the service refuses with 400 Bad Request and a problem detail. */
class InvalidChatRequestException extends RuntimeException {

    private final String title;

    InvalidChatRequestException(String title, String detail) {
        super(detail);
        this.title = title;
    }

    String title() {
        return this.title;
    }
}
