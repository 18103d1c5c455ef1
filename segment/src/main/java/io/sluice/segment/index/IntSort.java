package io.sluice.segment.index;

/** Stable merge sort of int arrays with a primitive comparator (no boxing). */
final class IntSort
{
  private static final int INSERTION_THRESHOLD = 7;

  @FunctionalInterface
  interface IntComparator
  {
    int compare(int a, int b);
  }

  private IntSort()
  {
  }

  /** Sorts {@code a} stably. Already sorted runs cost one comparison per merge. */
  static void sort(int[] a, IntComparator c)
  {
    if (a.length < 2) {
      return;
    }
    int[] aux = a.clone();
    mergeSort(aux, a, 0, a.length, c);
  }

  private static void mergeSort(int[] src, int[] dest, int low, int high, IntComparator c)
  {
    final int length = high - low;
    if (length < INSERTION_THRESHOLD) {
      for (int i = low + 1; i < high; i++) {
        for (int j = i; j > low && c.compare(dest[j - 1], dest[j]) > 0; j--) {
          int t = dest[j];
          dest[j] = dest[j - 1];
          dest[j - 1] = t;
        }
      }
      return;
    }
    final int mid = (low + high) >>> 1;
    mergeSort(dest, src, low, mid, c);
    mergeSort(dest, src, mid, high, c);
    if (c.compare(src[mid - 1], src[mid]) <= 0) {
      System.arraycopy(src, low, dest, low, length);
      return;
    }
    for (int i = low, p = low, q = mid; i < high; i++) {
      if (q >= high || (p < mid && c.compare(src[p], src[q]) <= 0)) {
        dest[i] = src[p++];
      } else {
        dest[i] = src[q++];
      }
    }
  }
}
