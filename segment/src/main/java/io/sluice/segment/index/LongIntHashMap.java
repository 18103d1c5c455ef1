package io.sluice.segment.index;

import java.util.Arrays;

/** Open-addressing map from long keys to non-negative int values, without boxing. */
final class LongIntHashMap
{
  private long[] keys;
  private int[] values;
  private int size;
  private int mask;

  LongIntHashMap()
  {
    keys = new long[16];
    values = new int[16];
    Arrays.fill(values, -1);
    mask = 15;
  }

  /** The value for {@code key}, or -1. */
  int get(long key)
  {
    int slot = mix(key) & mask;
    while (true) {
      int v = values[slot];
      if (v < 0) {
        return -1;
      }
      if (keys[slot] == key) {
        return v;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Stores {@code value} (must be >= 0) for a key that is not present. */
  void putNew(long key, int value)
  {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    insert(key, value);
    size++;
  }

  long estimatedBytes()
  {
    return 32L + keys.length * 12L;
  }

  private void insert(long key, int value)
  {
    int slot = mix(key) & mask;
    while (values[slot] >= 0) {
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    values[slot] = value;
  }

  private void grow()
  {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new int[oldValues.length * 2];
    Arrays.fill(values, -1);
    mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] >= 0) {
        insert(oldKeys[i], oldValues[i]);
      }
    }
  }

  private static int mix(long key)
  {
    long x = key * 0x9E3779B97F4A7C15L;
    x ^= x >>> 32;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 29;
    return (int) x;
  }
}
