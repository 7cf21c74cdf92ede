; tsc_sync.asm -- two CPUs (run with --smp 2) read one time-stamp counter: the check
; Linux makes before it trusts the TSC as its clock (check_tsc_warp() in
; arch/x86/kernel/tsc_sync.c, re-done here from its description).
;
; Both CPUs take turns under one spinlock: read the TSC value the other stored last, read
; the TSC, store it. On a PC the TSCs of all CPUs count together from reset (one bus
; clock), so a read made after another CPU's (ordered by the lock) is never smaller.
;
;   tsc_ap_ran                  the AP made its reads
;   tsc_no_warp                 no read smaller than the one made before it, on
;                               either CPU (Linux: "Measured N cycles TSC warp between
;                               CPUs, turning off TSC clock" when there is one)
;   tsc_advances                the last read is larger than the first
;
; lab86 runs the CPUs in turns of 2,000 cycles; were each CPU's TSC its own cycle
; count, the CPU that runs second in a turn would read values up to a turn older than
; the ones the first stored, and tsc_no_warp would fail. The application processors
; count the bootstrap CPU's cycles instead (core/interp/ops_msr.c, tsc_cycles). Run
; with --smp 2 (run.sh); it passes under QEMU too (qemu-system-i386 -smp 2).

%include "lib.inc"
%include "ap.inc"

ROUNDS          equ 20000               ; lock-read-store rounds per CPU
SPIN            equ 2000000             ; polling iterations before giving up

section .text

test_main:
    mov dword [APIC_SVR], 0x100 | 0xFF  ; software-enable the APIC
    call start_ap
    call warp_loop                      ; the BSP's rounds, interleaved with the AP's
    mov ecx, SPIN
.wait:
    cmp dword [ap_done], 0
    jne .done
    pause
    loop .wait
.done:
    CHECK_EQ "tsc_ap_ran", dword [ap_done], 1
    CHECK_EQ "tsc_no_warp", dword [warps], 0
    mov eax, [last_tsc]
    mov edx, [last_tsc + 4]
    sub eax, [first_tsc]
    sbb edx, [first_tsc + 4]
    or eax, edx                         ; nonzero: it moved (the first read is not 0)
    jz .still
    PASS "tsc_advances"
    ret
.still:
    FAIL "tsc_advances", "the TSC did not move"
    ret

; warp_loop: ROUNDS times, under the lock: prev = last_tsc; now = RDTSC; last_tsc = now;
; a warp is prev > now (64-bit, unsigned).
warp_loop:
    mov ecx, ROUNDS
.round:
    call lock_take
    mov esi, [last_tsc]
    mov edi, [last_tsc + 4]
    rdtsc
    mov [last_tsc], eax
    mov [last_tsc + 4], edx
    cmp dword [first_tsc + 4], 0        ; remember the very first read
    jne .have_first
    cmp dword [first_tsc], 0
    jne .have_first
    mov [first_tsc], eax
    mov [first_tsc + 4], edx
.have_first:
    sub eax, esi                        ; now - prev: a borrow is a warp
    sbb edx, edi
    jnc .ordered
    inc dword [warps]
.ordered:
    mov dword [lock_word], 0            ; release
    loop .round
    ret

lock_take:
    mov eax, 1
.try:
    xchg eax, [lock_word]
    test eax, eax
    jz .got
    pause
    jmp .try
.got:
    ret

; start_ap: wake the AP (ap.inc) and wait until it runs.
start_ap:
    call wake_ap
    mov ecx, SPIN
.wait:
    cmp dword [ap_started], 0
    jne .started
    pause
    loop .wait
.started:
    ret

; --- the AP ---

ap_entry32:
    mov ax, SEL_KDATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, ap_stack_top
    lock inc dword [ap_started]
    call warp_loop
    mov dword [ap_done], 1
.idle:
    cli
    hlt
    jmp .idle


section .data
align 8
last_tsc:       dq 0
first_tsc:      dq 0
lock_word:      dd 0
warps:          dd 0
ap_started:     dd 0
ap_done:        dd 0

section .bss
align 16
ap_stack:       resb 4096
ap_stack_top:
