; fpu.asm -- the x87 as a kernel uses it: lazy FPU switching with CR0.TS and #NM,
; results with known bits, and an unmasked exception arriving as #MF.
;
; Lazy switching [SDM vol. 3, 2.5 (CR0.TS, MP), 13.4; table 2-2]: a kernel does not save
; the x87 state at every task switch.  It sets CR0.TS instead; the first x87 instruction
; of the next task raises #NM, whose handler saves the previous owner's state (FNSAVE),
; loads the new task's (FRSTOR, or FNINIT for a task that never used the x87), clears TS
; (CLTS) and returns, so that the instruction runs again.  Here two "tasks" A and B share
; the x87 that way; each keeps a value on the x87 stack across the other's use of it.
;
; Known bits: computed natively on an x86-64 host's x87 (the reference the unit tests
; use too): sqrt(pi) as a double 3FFC5BF891B4EF6B; sin(3 * FLDPI) as a double
; BC1C000000000000 (not 0: the x87 reduces by a 66-bit pi, so the tiny result is the
; difference between that pi and FLDPI's); atan(pi) as a single 3FA19DC5.
;
; #MF [vol. 1, 8.7; vol. 3, 6.15 "interrupt 16"]: with CR0.NE = 1, an unmasked exception
; (here zero divide) is not reported by the instruction that causes it, but by the next
; x87 instruction that waits (WAIT, or any x87 instruction but the FN... control ones).
;
; IRQ 13 [vol. 1, 8.7 and appendix D, "MS-DOS compatibility"]: with CR0.NE = 0 the error
; drives FERR#, which the PC latches onto IRQ 13 (the slave PIC's IR5); the handler
; writes port 0xF0 to clear the latch, then FNCLEX.

%include "lib.inc"

EXC_MF  equ 16
FCW_ZM  equ 1 << 2
CR0_NE  equ 1 << 5
PIC1_CMD   equ 0x20
PIC1_DATA  equ 0x21
PIC2_CMD   equ 0xA0
PIC2_DATA  equ 0xA1
VEC_IRQ13  equ 0x28 + 5             ; the slave's vectors at 0x28
PORT_FERR  equ 0xF0                 ; a write clears the FERR# latch (IRQ 13)

section .text
test_main:
    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS)
    or eax, CR0_MP | CR0_NE
    mov cr0, eax
    call t_known_bits
    call t_lazy_switch
    call t_mf
    call t_irq13
    ret

; Values with known bits (see the header).
t_known_bits:
    fninit
    fldpi
    fsqrt
    fstp qword [result]
    CHECK_EQ "sqrt_pi_low", dword [result], 0x91B4EF6B
    CHECK_EQ "sqrt_pi_high", dword [result + 4], 0x3FFC5BF8
    fld1
    fld1
    fadd st0, st0
    faddp                           ; 3
    fldpi
    fmulp                           ; 3 pi
    fsin
    fstp qword [result]
    CHECK_EQ "sin_3pi_low", dword [result], 0
    CHECK_EQ "sin_3pi_high", dword [result + 4], 0xBC1C0000
    fldpi
    fld1
    fpatan                          ; atan(pi / 1)
    fstp dword [result]
    CHECK_EQ "atan_pi", dword [result], 0x3FA19DC5
    fild dword [seven]
    fbstp [bcd]                     ; 7 as packed BCD
    CHECK_EQ "fbstp_seven", dword [bcd], 7
    fnstsw ax
    CHECK_MASK "stack_empty_top0", eax, 0x3841, 0 ; TOP = 0, no invalid or stack fault
    ret

; Two tasks, one x87, switched lazily.
t_lazy_switch:
    mov eax, nm_handler
    SET_IDT EXC_NM, SEL_KCODE, eax, ACC_INTGATE
    mov dword [nm_count], 0
    mov dword [owner], save_a
    mov dword [current], save_a
    mov byte [b_used], 0
    ; Task A starts with the x87: 2.0 on its stack.
    fninit
    fld1
    fld1
    faddp
    ; Switch to B: TS set, nothing saved.
    mov dword [current], save_b
    mov eax, cr0
    or eax, CR0_TS
    mov cr0, eax
    fninit                          ; #NM: A's state saved, B starts afresh
    fldpi                           ; B: pi on its stack
    ; Back to A.
    mov dword [current], save_a
    mov eax, cr0
    or eax, CR0_TS
    mov cr0, eax
    fadd st0, st0                   ; #NM: B saved, A restored; 2 + 2
    fistp dword [result]
    CHECK_EQ "task_a_result", dword [result], 4
    ; And B again: its pi is still there.
    mov dword [current], save_b
    mov eax, cr0
    or eax, CR0_TS
    mov cr0, eax
    fstp dword [result]             ; #NM: A saved, B restored
    CHECK_EQ "task_b_kept_pi", dword [result], 0x40490FDB
    CHECK_EQ "nm_count", dword [nm_count], 3
    mov eax, cr0
    CHECK_MASK "ts_cleared_by_handler", eax, CR0_TS, 0
    ; WAIT raises #NM only with both TS and MP [table 2-2].
    or eax, CR0_TS
    mov cr0, eax
    mov dword [current], save_a
    fwait                           ; #NM
    CHECK_EQ "wait_nm", dword [nm_count], 4
    RESTORE_IDT EXC_NM
    ret

; The #NM handler of a lazy-switching kernel: save the owner's state, load the current
; task's, clear TS, return to the faulting instruction.
nm_handler:
    push eax
    inc dword [nm_count]
    clts
    mov eax, [owner]
    fnsave [eax]
    mov eax, [current]
    mov [owner], eax
    cmp eax, save_b
    jne .restore
    cmp byte [b_used], 0
    jne .restore
    mov byte [b_used], 1            ; B's first use: FNSAVE left a fresh FNINIT state
    jmp .done
.restore:
    frstor [eax]
.done:
    pop eax
    iretd

; An unmasked zero divide, reported as #MF by the next waiting instruction.
t_mf:
    fninit
    fnstcw [cw]
    and word [cw], ~FCW_ZM
    fldcw [cw]
    fld1
    fldz
    fdivp                           ; 1 / 0: ZE, unmasked: no result, no fault yet
    fnstsw ax                       ; no-wait: fine
    CHECK_MASK "ze_pending", eax, 0x0084, 0x0084   ; ES and ZE
    FAULT_AT_CPL0 "mf_at_fwait", EXC_MF, NOERR, fwait
    FAULT_AT_CPL0 "mf_at_next_fpu_insn", EXC_MF, NOERR, fld1
    fnclex
    fwait                           ; nothing pending now
    fnstsw ax
    CHECK_MASK "cleared", eax, 0x00FF, 0
    fninit
    ret

; An unmasked zero divide with CR0.NE = 0: FERR#, IRQ 13 through the PICs.
t_irq13:
    SET_IDT VEC_IRQ13, SEL_KCODE, irq13_handler, ACC_INTGATE
    mov al, 0x11                    ; ICW1: edge, cascade, ICW4
    out PIC1_CMD, al
    out PIC2_CMD, al
    mov al, 0x20                    ; ICW2: vectors 0x20 and 0x28
    out PIC1_DATA, al
    mov al, 0x28
    out PIC2_DATA, al
    mov al, 0x04                    ; ICW3: slave on IR2, slave ID 2
    out PIC1_DATA, al
    mov al, 0x02
    out PIC2_DATA, al
    mov al, 0x01                    ; ICW4: 8086 mode
    out PIC1_DATA, al
    out PIC2_DATA, al
    mov al, 0xFB                    ; master: only IR2 (the slave)
    out PIC1_DATA, al
    mov al, 0xDF                    ; slave: only IR5 (IRQ 13)
    out PIC2_DATA, al
    mov eax, cr0
    and eax, ~CR0_NE
    mov cr0, eax
    mov dword [irq13_count], 0
    fninit
    fnstcw [cw]
    and word [cw], ~FCW_ZM
    fldcw [cw]
    fld1
    fldz
    fdivp                           ; FERR#: IRQ 13 requested, taken once IF = 1
    CHECK_EQ "irq13_waits_for_if", dword [irq13_count], 0
    sti
    nop                             ; the interrupt window
    cli
    CHECK_EQ "irq13_delivered", dword [irq13_count], 1
    CHECK_MASK "irq13_handler_cleared", dword [irq13_sw], 0x00BF, 0
    mov al, 0xFF
    out PIC1_DATA, al
    out PIC2_DATA, al
    mov eax, cr0
    or eax, CR0_NE
    mov cr0, eax
    fninit
    RESTORE_IDT VEC_IRQ13
    ret

; The DOS-era IRQ 13 handler: clear the latch, clear the exception, EOI both PICs.
irq13_handler:
    push eax
    inc dword [irq13_count]
    xor al, al
    out PORT_FERR, al
    fnclex
    fnstsw ax
    mov [irq13_sw], eax
    mov al, 0x20                    ; non-specific EOI, slave then master
    out PIC2_CMD, al
    out PIC1_CMD, al
    pop eax
    iretd

section .data
irq13_count: dd 0
irq13_sw:    dd 0
seven:  dd 7
cw:     dw 0
align 4
result: dq 0
bcd:    times 10 db 0
align 4
owner:   dd 0
current: dd 0
nm_count: dd 0
b_used:  db 0
align 4
save_a: times 108 db 0
save_b: times 108 db 0

IMAGE_END
