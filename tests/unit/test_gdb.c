/*
 * test_gdb.c - the GDB stub's framing (ui/gdb/gdb_packet.c) and register
 * layout (ui/gdb/gdb_regs.c) through their internal interface, with no
 * socket: bytes in, events and packets out.
 *
 * The stub as a whole is tested with the real gdb and a misbehaving
 * client in tests/gdb (run.sh, client.py).
 */
#include <check.h>
#include <string.h>

#include "gdb/gdb_impl.h"

static struct gdb_reader rd;

/* Feed text; return the last event that was not GDB_RD_NONE. */
static enum gdb_rd_event feed(const char *text, size_t len)
{
    enum gdb_rd_event last = GDB_RD_NONE;
    for (size_t k = 0; k < len; k++) {
        enum gdb_rd_event ev = gdb_reader_feed(&rd, (uint8_t)text[k]);
        if (ev != GDB_RD_NONE)
            last = ev;
    }
    return last;
}

#define FEED(s) feed((s), sizeof(s) - 1)

START_TEST(test_good_packet)
{
    gdb_reader_reset(&rd);
    ck_assert_int_eq(FEED("$g#67"), GDB_RD_PACKET);
    ck_assert_str_eq(rd.buf, "g");
    ck_assert_int_eq(FEED("$m100000,4#ee"), GDB_RD_PACKET); /* sum of "m100000,4" = 0x1ee */
    ck_assert_str_eq(rd.buf, "m100000,4");
    ck_assert_uint_eq(rd.len, 9);
}
END_TEST

START_TEST(test_bad_checksum)
{
    gdb_reader_reset(&rd);
    ck_assert_int_eq(FEED("$g#68"), GDB_RD_BAD);
    ck_assert_int_eq(FEED("$g#6z"), GDB_RD_BAD);
    ck_assert_int_eq(FEED("$g#z7"), GDB_RD_BAD);
    ck_assert_int_eq(FEED("$g#67"), GDB_RD_PACKET); /* and the next one is fine */
}
END_TEST

START_TEST(test_between_packets)
{
    gdb_reader_reset(&rd);
    ck_assert_int_eq(FEED("+"), GDB_RD_ACK);
    ck_assert_int_eq(FEED("-"), GDB_RD_NAK);
    ck_assert_int_eq(FEED("\x03"), GDB_RD_INTERRUPT);
    ck_assert_int_eq(FEED("noise\r\n"), GDB_RD_NONE);
    /* 0x03 inside a packet is data (an escaped '#' in an X packet). */
    ck_assert_int_eq(feed("$\x03#03", 5), GDB_RD_PACKET);
    ck_assert_uint_eq(rd.len, 1);
}
END_TEST

START_TEST(test_oversized)
{
    static char big[GDB_PACKET_MAX + 100];
    gdb_reader_reset(&rd);
    memset(big, 'a', sizeof big);
    ck_assert_int_eq(gdb_reader_feed(&rd, '$'), GDB_RD_NONE);
    ck_assert_int_eq(feed(big, sizeof big), GDB_RD_NONE);
    ck_assert_uint_eq(rd.len, GDB_PACKET_MAX); /* bounded */
    /* The checksum does not matter: too long is refused. */
    ck_assert_int_eq(FEED("#00"), GDB_RD_BAD);
    ck_assert_int_eq(FEED("$?#3f"), GDB_RD_PACKET);
}
END_TEST

START_TEST(test_restart_and_cut)
{
    gdb_reader_reset(&rd);
    /* A '$' inside a packet starts a new one: the cut-off one is dropped. */
    ck_assert_int_eq(FEED("$m1000$g#67"), GDB_RD_PACKET);
    ck_assert_str_eq(rd.buf, "g");
    /* A packet cut off mid-way, then the reader reset (a new client). */
    ck_assert_int_eq(FEED("$m10"), GDB_RD_NONE);
    gdb_reader_reset(&rd);
    ck_assert_int_eq(FEED("$g#67"), GDB_RD_PACKET);
}
END_TEST

START_TEST(test_hex_and_escapes)
{
    const char *p = "1f,rest";
    uint64_t v = 0;
    uint8_t bytes[4];
    char hex[9];
    ck_assert_int_eq(gdb_parse_hex(&p, &v), 0);
    ck_assert_uint_eq(v, 0x1f);
    ck_assert_str_eq(p, ",rest");
    p = "12345678123456781";
    ck_assert_int_eq(gdb_parse_hex(&p, &v), -1); /* 17 digits do not fit */
    p = ",";
    ck_assert_int_eq(gdb_parse_hex(&p, &v), -1);
    ck_assert_int_eq(gdb_hex_decode("deadBEEF", bytes, 4), 0);
    ck_assert_uint_eq(bytes[0], 0xde);
    ck_assert_uint_eq(bytes[3], 0xef);
    ck_assert_int_eq(gdb_hex_decode("dex", bytes, 2), -1);
    gdb_hex_encode(bytes, 4, hex);
    ck_assert_str_eq(hex, "deadbeef");
    uint8_t esc[] = {'a', '}', '#' ^ 0x20, 'b', '}', '}' ^ 0x20};
    ck_assert_uint_eq(gdb_unescape(esc, sizeof esc), 4);
    ck_assert_uint_eq(esc[1], '#');
    ck_assert_uint_eq(esc[3], '}');
    char out[16];
    const uint8_t raw[] = {'$', 'x', '*', 0};
    ck_assert_uint_eq(gdb_escape(raw, sizeof raw, out), 6); /* '$' and '*' escaped, NUL not */
    ck_assert_int_eq(out[0], '}');
    ck_assert_int_eq(out[1], '$' ^ 0x20);
}
END_TEST

START_TEST(test_hostport)
{
    char host[64];
    uint16_t port;
    ck_assert_int_eq(gdb_parse_hostport("1234", host, sizeof host, &port), 0);
    ck_assert_str_eq(host, "127.0.0.1");
    ck_assert_uint_eq(port, 1234);
    ck_assert_int_eq(gdb_parse_hostport("0.0.0.0:0", host, sizeof host, &port), 0);
    ck_assert_str_eq(host, "0.0.0.0");
    ck_assert_uint_eq(port, 0);
    ck_assert_int_eq(gdb_parse_hostport("localhost:9", host, sizeof host, &port), 0);
    ck_assert_str_eq(host, "127.0.0.1");
    ck_assert_int_eq(gdb_parse_hostport("65536", host, sizeof host, &port), -1);
    ck_assert_int_eq(gdb_parse_hostport("host.example:12", host, sizeof host, &port), -1);
    ck_assert_int_eq(gdb_parse_hostport("12x", host, sizeof host, &port), -1);
    ck_assert_int_eq(gdb_parse_hostport("", host, sizeof host, &port), -1);
    ck_assert_int_eq(gdb_parse_hostport("1.2.3.4:", host, sizeof host, &port), -1);
}
END_TEST

START_TEST(test_target_xml)
{
    const char *x = gdb_target_xml();
    /* The core feature's registers in the order the packets use. */
    const char *order[] = {"\"eax\"", "\"edi\"", "\"eip\"", "\"eflags\"", "\"cs\"",
                           "\"gs\"",  "\"st0\"", "\"fop\"", "\"cr0\"",    "\"cr4\""};
    const char *at = x;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        const char *next = strstr(at, order[k]);
        ck_assert_msg(next != NULL, "%s missing or out of order", order[k]);
        at = next;
    }
    ck_assert_ptr_nonnull(strstr(x, "org.gnu.gdb.i386.core"));
    ck_assert_ptr_null(strchr(x, '$')); /* nothing a packet would have to escape */
    ck_assert_ptr_null(strchr(x, '#'));
}
END_TEST

static Suite *gdb_suite(void)
{
    Suite *s = suite_create("gdb");
    TCase *tc = tcase_create("packets");
    tcase_add_test(tc, test_good_packet);
    tcase_add_test(tc, test_bad_checksum);
    tcase_add_test(tc, test_between_packets);
    tcase_add_test(tc, test_oversized);
    tcase_add_test(tc, test_restart_and_cut);
    tcase_add_test(tc, test_hex_and_escapes);
    tcase_add_test(tc, test_hostport);
    tcase_add_test(tc, test_target_xml);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(gdb_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
