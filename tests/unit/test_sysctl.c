/*
 * test_sysctl.c - the small system ports (devices/sysctl.c): port 0x92's
 * fast A20 and reset, the 0xCF9 reset control register, the 0x8900
 * shutdown string and the Bochs BIOS log ports, driven through the bus with
 * the host callbacks recording what they were asked.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "unit_util.h"

#include "bus.h"
#include "chardev.h"
#include "devices/sysctl.h"

struct rig {
    struct bus bus;     /* the ports */
    struct sysctl *sys; /* the device under test */
    struct chardev log; /* to text[] */
    char text[256];     /* the firmware log */
    size_t len;         /* bytes in text */
    int a20_calls;      /* set_a20 callbacks */
    bool a20;           /* the last state reported */
    int soft_resets;    /* reset(hard = false) callbacks */
    int hard_resets;    /* reset(hard = true) callbacks */
    int shutdowns;      /* shutdown callbacks */
};

static void on_a20(void *opaque, bool enabled)
{
    struct rig *r = opaque;
    r->a20_calls++;
    r->a20 = enabled;
}

static void on_reset(void *opaque, bool hard)
{
    struct rig *r = opaque;
    if (hard)
        r->hard_resets++;
    else
        r->soft_resets++;
}

static void on_shutdown(void *opaque)
{
    struct rig *r = opaque;
    r->shutdowns++;
}

static void on_log(void *opaque, const uint8_t *buf, size_t len)
{
    struct rig *r = opaque;
    ck_assert_uint_lt(r->len + len, sizeof r->text);
    memcpy(r->text + r->len, buf, len);
    r->len += len;
}

static struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, 1 << 20), 0);
    r->log = (struct chardev){on_log, r};
    struct sysctl_host host = {on_a20, on_reset, on_shutdown, r, &r->log};
    r->sys = sysctl_create(&r->bus, &host);
    ck_assert_ptr_nonnull(r->sys);
    return r;
}

static void rig_free(struct rig *r)
{
    sysctl_destroy(r->sys);
    bus_free(&r->bus);
    free(r);
}

static void out8(struct rig *r, uint16_t port, uint8_t v)
{
    bus_out(&r->bus, port, v, 1);
}

static uint8_t in8(struct rig *r, uint16_t port)
{
    return (uint8_t)bus_in(&r->bus, port, 1);
}

static void out_string(struct rig *r, uint16_t port, const char *s)
{
    while (*s)
        out8(r, port, (uint8_t)*s++);
}

START_TEST(test_port_92_a20)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(in8(r, 0x92), 0x00);
    out8(r, 0x92, 0x02); /* Linux: read, OR in bit 1, clear bit 0, write */
    ck_assert_int_eq(r->a20_calls, 1);
    ck_assert(r->a20);
    ck_assert_uint_eq(in8(r, 0x92), 0x02);
    out8(r, 0x92, 0x02); /* no change, no call */
    ck_assert_int_eq(r->a20_calls, 1);
    out8(r, 0x92, 0x00);
    ck_assert_int_eq(r->a20_calls, 2);
    ck_assert(!r->a20);
    out8(r, 0x92, 0xff); /* bits 2, 4, 5 are not stored; bit 0 resets */
    ck_assert_uint_eq(in8(r, 0x92), 0xcb);
    ck_assert_int_eq(r->soft_resets, 1);
    out8(r, 0x92, 0x00);
    ck_assert_uint_eq(in8(r, 0x92), 0x08); /* the lock stays set */
    sysctl_reset(r->sys);
    ck_assert_uint_eq(in8(r, 0x92), 0x00);
    ck_assert_int_eq(r->a20_calls, 4); /* on with 0xff, off with 0x00 */
    rig_free(r);
}
END_TEST

START_TEST(test_port_92_reset)
{
    struct rig *r = rig_new();
    out8(r, 0x92, 0x01);
    ck_assert_int_eq(r->soft_resets, 1);
    out8(r, 0x92, 0x01); /* still 1: no new edge */
    out8(r, 0x92, 0x03);
    ck_assert_int_eq(r->soft_resets, 1);
    out8(r, 0x92, 0x02);
    out8(r, 0x92, 0x03);
    ck_assert_int_eq(r->soft_resets, 2);
    ck_assert_int_eq(r->hard_resets, 0);
    /* A reset clears bit 0, so the next 1 is an edge again. */
    sysctl_reset(r->sys);
    out8(r, 0x92, 0x01);
    ck_assert_int_eq(r->soft_resets, 3);
    rig_free(r);
}
END_TEST

START_TEST(test_port_cf9)
{
    struct rig *r = rig_new();
    out8(r, 0xcf9, 0x02); /* select a hard reset: nothing yet */
    ck_assert_int_eq(r->hard_resets + r->soft_resets, 0);
    ck_assert_uint_eq(in8(r, 0xcf9), 0x02);
    out8(r, 0xcf9, 0x06); /* SeaBIOS's pci_reboot: 0x02, then 0x06 */
    ck_assert_int_eq(r->hard_resets, 1);
    ck_assert_uint_eq(in8(r, 0xcf9), 0x02); /* RCPU never reads back */
    out8(r, 0xcf9, 0x04);
    ck_assert_int_eq(r->soft_resets, 1);
    out8(r, 0xcf9, 0x0e);
    ck_assert_int_eq(r->hard_resets, 2);
    rig_free(r);
}
END_TEST

START_TEST(test_shutdown_string)
{
    struct rig *r = rig_new();
    out_string(r, 0x8900, "Suspend");
    out_string(r, 0x8900, "Standby");
    out_string(r, 0x8900, "Shutdow"); /* one byte short */
    ck_assert_int_eq(r->shutdowns, 0);
    out_string(r, 0x8900, "x");
    out_string(r, 0x8900, "n");
    ck_assert_int_eq(r->shutdowns, 0);
    out_string(r, 0x8900, "ShutXdown");
    out_string(r, 0x8900, "shutdown");
    ck_assert_int_eq(r->shutdowns, 0);
    out_string(r, 0x8900, "Shutdown");
    ck_assert_int_eq(r->shutdowns, 1);
    out_string(r, 0x8900, "SShutdown"); /* a repeated first letter still matches */
    ck_assert_int_eq(r->shutdowns, 2);
    out_string(r, 0x8900, "ShutdownShutdown");
    ck_assert_int_eq(r->shutdowns, 4);
    ck_assert_uint_eq(in8(r, 0x8900), 0xff);
    rig_free(r);
}
END_TEST

START_TEST(test_firmware_log)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(in8(r, 0x402), 0xe9); /* SeaBIOS's detection */
    ck_assert_uint_eq(in8(r, 0x403), 0xff);
    ck_assert_uint_eq(in8(r, 0x400), 0xff);
    out_string(r, 0x402, "info ");
    out_string(r, 0x403, "debug ");
    bus_out(&r->bus, 0x402, 'o' | 'k' << 8, 2); /* a word: 0x402 then 0x403 */
    bus_out(&r->bus, 0x400, 1234, 2);           /* the HALT macro */
    r->text[r->len] = '\0';
    ck_assert_str_eq(r->text, "info debug okBIOS panic at rombios.c, line 1234\n");
    rig_free(r);
}
END_TEST

/* Without callbacks or a log everything is dropped quietly. */
START_TEST(test_unconnected)
{
    struct bus b;
    ck_assert_int_eq(bus_init(&b, 1 << 20), 0);
    struct sysctl *s = sysctl_create(&b, NULL);
    ck_assert_ptr_nonnull(s);
    bus_out(&b, 0x92, 0x03, 1);
    bus_out(&b, 0xcf9, 0x06, 1);
    for (const char *p = "Shutdown"; *p; p++)
        bus_out(&b, 0x8900, (uint8_t)*p, 1);
    bus_out(&b, 0x402, 'x', 1);
    bus_out(&b, 0x400, 1, 2);
    ck_assert_uint_eq(bus_in(&b, 0x92, 1), 0x03);
    struct devinfo info;
    ck_assert_uint_eq(sysctl_devinfo(s, &info, 1), 1);
    ck_assert_str_eq(info.name, "sysctl");
    ck_assert_str_eq(info.fields[0].name, "port_a");
    ck_assert_uint_eq(devfield_get(&info.fields[0], info.state, 0), 0x03);
    sysctl_destroy(s);
    bus_free(&b);
}
END_TEST

static Suite *sysctl_suite(void)
{
    Suite *s = suite_create("sysctl");
    TCase *t = tcase_create("ports");
    tcase_add_test(t, test_port_92_a20);
    tcase_add_test(t, test_port_92_reset);
    tcase_add_test(t, test_port_cf9);
    tcase_add_test(t, test_shutdown_string);
    tcase_add_test(t, test_firmware_log);
    tcase_add_test(t, test_unconnected);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(sysctl_suite());
}
