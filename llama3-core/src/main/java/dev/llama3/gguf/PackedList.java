package dev.llama3.gguf;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * Immutable lists over primitive arrays, used for GGUF arrays read from files: a vocabulary's
 * 128256 token types stay one {@code long[]} instead of 128256 boxed objects, and typed getters can
 * read the backing array directly. Only this package creates them, so {@link GgufArray} trusts
 * their contents without copying when they are used with the element type they were built for.
 */
abstract sealed class PackedList<E> extends AbstractList<E> implements RandomAccess
        permits PackedList.Longs, PackedList.Floats, PackedList.Doubles, PackedList.Bools,
                PackedList.Objects {

    /** The element type the contents were read or checked as. */
    final GgufValueType type;

    PackedList(GgufValueType type) {
        this.type = type;
    }

    /** Integer elements of any width, boxed as {@link Long} on access. */
    static final class Longs extends PackedList<Long> {
        final long[] values;

        Longs(GgufValueType type, long[] values) {
            super(type);
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

        Floats(GgufValueType type, float[] values) {
            super(type);
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

        Doubles(GgufValueType type, double[] values) {
            super(type);
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

        Bools(GgufValueType type, boolean[] values) {
            super(type);
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

        Objects(GgufValueType type, Object[] values) {
            super(type);
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
