package io.sluice.segment.read;

/**
 * A segment that cannot be read: truncated, corrupt, or in a layout this reader does not support. The one exception
 * type {@link SegmentReader} and its columns throw for bad input; the message names the segment, the file inside it
 * (a physical file such as {@code meta.smoosh} or an internal file such as a column name) and the byte offset in that
 * file where reading failed.
 */
public final class SegmentFormatException extends RuntimeException
{
  private final String segment;
  private final String file;
  private final long offset;

  /**
   * @param segment the segment's path or name
   * @param file    the physical or internal file being read, or null
   * @param offset  byte offset in {@code file}, or -1 if none applies
   */
  public SegmentFormatException(String segment, String file, long offset, String message, Throwable cause)
  {
    super(format(segment, file, offset, message), cause);
    this.segment = segment;
    this.file = file;
    this.offset = offset;
  }

  public SegmentFormatException(String segment, String file, long offset, String message)
  {
    this(segment, file, offset, message, null);
  }

  /** The segment's path or name. */
  public String segment()
  {
    return segment;
  }

  /** The file inside the segment, or null. */
  public String file()
  {
    return file;
  }

  /** Byte offset inside {@link #file()}, or -1. */
  public long offset()
  {
    return offset;
  }

  private static String format(String segment, String file, long offset, String message)
  {
    StringBuilder b = new StringBuilder(segment == null ? "segment" : segment);
    if (file != null) {
      b.append(": ").append(file);
    }
    if (offset >= 0) {
      b.append(" at offset ").append(offset);
    }
    return b.append(": ").append(message).toString();
  }
}
