/*
 * serial.h - text on COM1 (a 16550 UART at 0x3F8), which is what lab86 and
 * the graders read: `lab86 run` prints it on standard output.
 */
#ifndef LAB_SERIAL_H
#define LAB_SERIAL_H

#include <stdarg.h>

void serial_init(void);
void serial_putc(char c);
void serial_puts(const char *s);
/* printf's %c %s %d %u %x %p, with a width and 0 flag for numbers (%08x). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

#endif
