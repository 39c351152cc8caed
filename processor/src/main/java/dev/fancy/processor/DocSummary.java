package dev.fancy.processor;

/**
 * The summary of a Javadoc comment: its first sentence (up to the first period followed by
 * whitespace, or the first block tag or blank line), with inline tags such as {@code {@code x}}
 * reduced to their text, HTML tags removed and whitespace collapsed. As in the javadoc tool.
 */
final class DocSummary {
  private DocSummary() {}

  static String of(String docComment) {
    if (docComment == null) {
      return "";
    }
    String text = docComment;
    int blockTag = indexOfBlockTag(text);
    if (blockTag >= 0) {
      text = text.substring(0, blockTag);
    }
    text = text.replaceAll("\\{@(?:code|link|linkplain|literal|value)\\s+([^}]*)}", "$1")
        .replaceAll("<[^>]+>", "")
        .replaceAll("\\s+", " ")
        .trim();
    int end = firstSentenceEnd(text);
    return end < 0 ? text : text.substring(0, end + 1);
  }

  /** Offset of the first block tag line or of the first blank line after text, or -1. */
  private static int indexOfBlockTag(String text) {
    String[] lines = text.split("\n", -1);
    int offset = 0;
    for (String line : lines) {
      if (line.trim().startsWith("@")) {
        return offset;
      }
      if (line.isBlank() && offset > 0 && !text.substring(0, offset).isBlank()) {
        return offset;
      }
      offset += line.length() + 1;
    }
    return -1;
  }

  private static int firstSentenceEnd(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '.' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    return -1;
  }
}
