package dev.llama3.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IntListTest {

    @Test
    void growsPastItsInitialCapacity() {
        IntList list = new IntList(2);
        for (int i = 0; i < 1000; i++) {
            list.add(i * 3);
        }
        assertThat(list.size()).isEqualTo(1000);
        assertThat(list.get(0)).isZero();
        assertThat(list.get(999)).isEqualTo(2997);
        assertThat(list.last()).isEqualTo(2997);
        assertThat(list.toArray()).hasSize(1000).startsWith(0, 3, 6);
    }

    @Test
    void addAllClearAndTruncate() {
        IntList list = new IntList(0);
        list.addAll(1, 2, 3);
        list.addAll(new int[] {9, 4, 5, 9}, 1, 2);
        list.addAll(IntSequence.of(6, 7));
        assertThat(list.toArray()).containsExactly(1, 2, 3, 4, 5, 6, 7);
        list.truncate(2);
        assertThat(list.toArray()).containsExactly(1, 2);
        list.clear();
        assertThat(list.isEmpty()).isTrue();
        assertThat(list.toArray()).isEmpty();
        list.add(8);
        assertThat(list.toArray()).containsExactly(8);
    }

    @Test
    void toArrayIsACopy() {
        IntList list = IntList.of(1, 2);
        int[] copy = list.toArray();
        copy[0] = 99;
        assertThat(list.get(0)).isEqualTo(1);
    }

    @Test
    void equalityFollowsTheElements() {
        assertThat(IntList.of(1, 2, 3)).isEqualTo(IntList.of(1, 2, 3)).hasSameHashCodeAs(IntList.of(1, 2, 3));
        assertThat(IntList.of(1, 2)).isNotEqualTo(IntList.of(1, 2, 3));
        assertThat(IntList.of(1, 2)).hasToString("[1, 2]");
    }

    @Test
    void badIndicesAreReported() {
        IntList list = IntList.of(1, 2);
        assertThatThrownBy(() -> list.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatIllegalArgumentException().isThrownBy(() -> list.truncate(3)).withMessageContaining("newSize");
        assertThatIllegalArgumentException().isThrownBy(() -> new IntList(-1)).withMessageContaining("initialCapacity");
        assertThatThrownBy(() -> new IntList().last()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void arrayViewAndEmpty() {
        int[] backing = {5, 6};
        IntSequence view = IntSequence.of(backing);
        backing[1] = 7;
        assertThat(view.size()).isEqualTo(2);
        assertThat(view.get(1)).isEqualTo(7);
        assertThat(IntSequence.empty().size()).isZero();
    }
}
