package org.fmjvm.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HashesTest {

    @Test
    void sha256MatchesTheFipsTestVectors() {
        // FIPS 180-2, appendix B.1 and the empty message
        assertThat(Hashes.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Hashes.sha256Hex(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void hexIsLowercaseTwoDigitsPerByte() {
        assertThat(Hashes.hex(new byte[] {0, 10, (byte) 0xff})).isEqualTo("000aff");
    }
}
