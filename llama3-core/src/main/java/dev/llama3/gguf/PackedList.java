package dev.llama3.gguf;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * Immutable lists over primitive arrays, used for GGUF arrays read from files: a vocabulary's
 * 128256 token types stay one {@code long[]} instead of 128256 boxed objects, and typed getters can
 * read the backing array directly. Only this package creates them, so {@link GgufArray} trusts
 * their contents without copying.
 */
abstract sealed class PackedList<E> extends AbstractList<E> implements RandomAccess
        permits PackedList.Longs, PackedList.Floats, PackedList.Doubles, PackedList.Bools,
                PackedList.Objects {

    /** Integer elements of any width, boxed as {@link Long} on access. */
    static final class Longs extends PackedList<Long> {
        final long[] values;

        Longs(long[] values) {
            this.values = values;
        }

        @Override
        public Long get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    /** FLOAT32 elements. */
    static final class Floats extends PackedList<Float> {
        final float[] values;

        Floats(float[] values) {
            this.values = values;
        }

        @Override
        public Float get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    /** FLOAT64 elements. */
    static final class Doubles extends PackedList<Double> {
        final double[] values;

        Doubles(double[] values) {
            this.values = values;
        }

        @Override
        public Double get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    /** BOOL elements. */
    static final class Bools extends PackedList<Boolean> {
        final boolean[] values;

        Bools(boolean[] values) {
            this.values = values;
        }

        @Override
        public Boolean get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    /** Strings or nested {@link GgufArray}s; the array is never handed out. */
    static final class Objects extends PackedList<Object> {
        final Object[] values;

        Objects(Object[] values) {
            this.values = values;
        }

        @Override
        public Object get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }
}
