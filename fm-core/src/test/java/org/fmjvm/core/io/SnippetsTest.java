package org.fmjvm.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnippetsTest {

    @Test
    void shortTextIsKeptAndLongTextIsCutToTheLimitOnOneLine() {
        assertThat(Snippets.excerpt("cond-ot")).isEqualTo("cond-ot");
        assertThat(Snippets.excerpt(null)).isEqualTo("null");
        assertThat(Snippets.excerpt("a\nb\tc")).isEqualTo("a?b?c");
        String cut = Snippets.excerpt("x".repeat(5000));
        assertThat(cut).hasSize(Snippets.MAX_CHARS).endsWith("...").startsWith("xxx");
        assertThat(Snippets.excerpt("y".repeat(10), 8)).isEqualTo("yyyyy...");
        assertThat(Snippets.excerpt("y".repeat(8), 8)).isEqualTo("yyyyyyyy");
    }
}
