package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenTextIndexTest {

    private final TokenTextIndex index = new TokenTextIndex(new String[] {"a", "ab", "abc", "", "𝐀x", "ab", "b c"});

    @Test
    void findsWholeStringsAndRegions() {
        assertThat(index.idOf("a")).isEqualTo(0);
        assertThat(index.idOf("abc")).isEqualTo(2);
        assertThat(index.idOf("")).isEqualTo(3);
        assertThat(index.idOf("𝐀x")).isEqualTo(4);
        assertThat(index.idOf("b c")).isEqualTo(6);
        assertThat(index.idOf("abcd")).isEqualTo(-1);
        assertThat(index.idOf("zzabczz", 2, 5)).isEqualTo(2);
        assertThat(index.idOf("zzabczz", 2, 4)).isEqualTo(5);
        assertThat(index.idOf("abc".toCharArray(), 0, 3)).isEqualTo(2);
        assertThat(index.idOf("xabcx".toCharArray(), 1, 2)).isEqualTo(0);
        assertThat(index.idOf("xabcx".toCharArray(), 1, 5)).isEqualTo(-1);
    }

    @Test
    void findsConcatenations() {
        // the merge rule "a bc" names "abc"
        assertThat(index.idOfConcat("a bc", 0, 1, 2, 4)).isEqualTo(2);
        assertThat(index.idOfConcat("ab c", 0, 2, 3, 4)).isEqualTo(2);
        assertThat(index.idOfConcat("a bd", 0, 1, 2, 4)).isEqualTo(-1);
    }

    @Test
    void repeatedTextsMapToTheirLastId() {
        assertThat(index.idOf("ab")).isEqualTo(5);
    }
}
