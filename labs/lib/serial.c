/*
 * serial.c - polled output on COM1 and a small kprintf (given code).
 *
 * The UART is programmed for 115200 baud, 8 data bits, no parity, one stop
 * bit. Output is polled: each byte waits for the line status register's
 * "transmit holding register empty" bit (LSR bit 5).
 */
#include <stdint.h>

#include "serial.h"
#include "x86.h"

#define COM1 0x3F8
#define LSR_THRE 0x20

void serial_init(void)
{
    outb(COM1 + 1, 0x00); /* IER: no interrupts */
    outb(COM1 + 3, 0x80); /* LCR: DLAB = 1, to reach the divisor */
    outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* LCR: 8N1, DLAB = 0 */
    outb(COM1 + 2, 0x07); /* FCR: FIFOs on and cleared */
}

void serial_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    while (!(inb(COM1 + 5) & LSR_THRE))
        ;
    outb(COM1, (uint8_t)c);
}

void serial_puts(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

static void put_number(uint32_t v, unsigned base, int width, char pad, int negative)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative)
        buf[n++] = '-';
    while (n < width--)
        serial_putc(pad);
    while (n)
        serial_putc(buf[--n]);
}

void kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            serial_putc(*fmt);
            continue;
        }
        char pad = ' ';
        int width = 0;
        if (*++fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 'c': serial_putc((char)va_arg(ap, int)); break;
        case 's': serial_puts(va_arg(ap, const char *)); break;
        case 'd': {
            int v = va_arg(ap, int);
            put_number(v < 0 ? -(uint32_t)v : (uint32_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u': put_number(va_arg(ap, unsigned), 10, width, pad, 0); break;
        case 'x': put_number(va_arg(ap, unsigned), 16, width, pad, 0); break;
        case 'p':
            serial_puts("0x");
            put_number((uint32_t)va_arg(ap, void *), 16, 8, '0', 0);
            break;
        case '%': serial_putc('%'); break;
        default: serial_putc('%'); serial_putc(*fmt); break;
        }
        if (!*fmt)
            break;
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
