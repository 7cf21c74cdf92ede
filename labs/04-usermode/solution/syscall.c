/* syscall.c - lab 4 solution: INT 0x80. */
#include <stdint.h>

#include "lab4.h"
#include "serial.h"

void syscall_init(void)
{
    uint32_t off = isr_stubs[ISR_SYSCALL_INDEX];
    /* A 32-bit interrupt gate, present, DPL 3 (0xEE): ring 3 may use it. */
    idt[0x80] = (off & 0xFFFF) | ((uint64_t)KERNEL_CS << 16) | ((uint64_t)0xEE << 40) |
                ((uint64_t)(off >> 16) << 48);
}

static int user_buffer(uint32_t buf, uint32_t len)
{
    uint32_t lo = (uint32_t)user_start, hi = (uint32_t)user_end;
    return buf >= lo && buf <= hi && len <= hi - buf;
}

void syscall(struct trapframe *tf)
{
    switch (tf->eax) {
    case SYS_WRITE:
        if (!user_buffer(tf->ebx, tf->ecx)) {
            tf->eax = (uint32_t)-1;
            return;
        }
        for (uint32_t i = 0; i < tf->ecx; i++)
            serial_putc(((const char *)tf->ebx)[i]);
        tf->eax = tf->ecx;
        return;
    case SYS_EXIT:
        user_leave((int)tf->ebx);
    case SYS_GETPID:
        tf->eax = (uint32_t)current_pid;
        return;
    default:
        tf->eax = (uint32_t)-1;
    }
}
