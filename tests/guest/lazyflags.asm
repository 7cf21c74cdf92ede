; lazyflags.asm -- the arithmetic flags as every kind of reader sees them, right after the
; instructions whose flags lab86's threaded core computes lazily (core/interp/lazy_flags.h).
;
; For pseudo-random operands (the edges of 32-bit arithmetic a quarter of the time) each
; flag writer below runs several times over, each time followed by another reader:
;
;   PUSHFD                 the reference: EFLAGS as a generic handler sees it
;   LAHF                   must give SF ZF AF PF CF as PUSHFD did     (lahf_matches_pushfd)
;   SETcc, Jcc, CMOVcc     of all sixteen conditions, must agree with SETcc after POPFD of
;                          the reference, which loads the flags exactly (setcc_, jcc_,
;                          cmov_matches_popfd)
;   a faulting load        MOV ECX, [FS:0] with a null FS: #GP, whose frame's EFLAGS must
;                          be the reference                              (fault_frame_eflags)
;
; and all the while PIT counter 0 interrupts every 50 pulses, at varying instruction
; boundaries, into a handler whose own INC and IRET would lose the interrupted code's
; flags had they not been settled before the interrupt was taken. The references are
; folded into a checksum that the test prints: the two cores (and --lockstep) must print
; the same. [SDM vol. 1, 3.4.3.1 "Status Flags"; vol. 2 LAHF, PUSHF, SETcc, Jcc, CMOVcc]

%include "lib.inc"

ROUNDS          equ 48                  ; operand pairs
EFL_AF          equ 1 << 4
EFL_ARITH       equ EFL_CF | EFL_PF | EFL_AF | EFL_ZF | EFL_SF | EFL_OF
VEC_IRQ0        equ 0x20                ; pic_remap's vector base
PIT_CH0         equ 0x40
PIT_CMD         equ 0x43
PIT_PERIOD      equ 50                  ; pulses between IRQ 0s: ~4200 cycles

; The operands: EAX = ESI, EBX = [mem] = EDI; then a CMP that leaves CF for INC and DEC to keep;
; then the writer %1.
%macro OPERANDS 1+
    mov eax, esi
    mov ebx, edi
    mov [mem], edi
    cmp edi, esi
    %1
%endmacro

; WRITER instruction...: every reader after it.
%macro WRITER 1+
    OPERANDS %1
    pushfd
    pop edx                             ; the reference
    xor [sum], edx
    rol dword [sum], 3
    OPERANDS %1
    lahf
    movzx eax, ah
    mov ebp, edx
    and ebp, 0xD7                       ; SF ZF AF PF CF and bit 1 (always 1)
    cmp eax, ebp
    je %%lahf_ok
    inc dword [bad_lahf]
%%lahf_ok:
%assign cc 0
%rep 16
    OPERANDS %1
    db 0x0F, 0x90 + cc, 0xC1            ; SETcc CL
    push edx
    popfd
    db 0x0F, 0x90 + cc, 0xC5            ; SETcc CH
    cmp cl, ch
    je %%set_ok %+ cc
    inc dword [bad_setcc]
%%set_ok %+ cc:
    mov cl, 0
    OPERANDS %1
    mov cl, 1
    db 0x70 + cc, 2                     ; Jcc over the next two bytes
    mov cl, 0
    push edx
    popfd
    db 0x0F, 0x90 + cc, 0xC5            ; SETcc CH
    cmp cl, ch
    je %%jcc_ok %+ cc
    inc dword [bad_jcc]
%%jcc_ok %+ cc:
    mov ebp, 0
    OPERANDS %1
    db 0x0F, 0x40 + cc, 0x2D            ; CMOVcc EBP, [one]
    dd one
    push edx
    popfd
    db 0x0F, 0x90 + cc, 0xC5            ; SETcc CH
    movzx ecx, ch
    cmp ebp, ecx
    je %%cmov_ok %+ cc
    inc dword [bad_cmov]
%%cmov_ok %+ cc:
%assign cc cc + 1
%endrep
    push dword 0
    pop fs                              ; null: a load through it faults
    ARM %%recover
    OPERANDS %1
    mov ecx, [fs:0]                     ; 8B, a specialised load (not A1, which is generic)
%%recover:
    sti                                 ; the recovery left IF clear
    mov eax, [exc_eflags]
    xor eax, edx
    test eax, EFL_ARITH
    jz %%frame_ok
    inc dword [bad_frame]
%%frame_ok:
%endmacro

section .text
test_main:
    SET_IDT VEC_IRQ0, SEL_KCODE, irq0_handler, ACC_INTGATE
    call pic_remap
    mov al, 0x34                        ; counter 0, LSB then MSB, mode 2, binary
    out PIT_CMD, al
    mov al, PIT_PERIOD
    out PIT_CH0, al
    mov al, 0
    out PIT_CH0, al
    mov al, 0xFE                        ; IRQ 0 only
    out 0x21, al
    sti
    mov dword [round], ROUNDS
.round:
    call next_operands
    WRITER add eax, ebx
    WRITER sub eax, ebx
    WRITER and eax, ebx
    WRITER or eax, ebx
    WRITER xor eax, ebx
    WRITER test eax, ebx
    WRITER add eax, 0x7FFFFFFF
    WRITER cmp eax, byte -128
    WRITER inc eax
    WRITER dec ebx
    WRITER neg eax
    WRITER add al, bl
    WRITER sub bl, ah
    WRITER cmp al, 0x80
    WRITER test bl, 0x81
    WRITER add dword [mem], eax         ; a memory destination
    dec dword [round]
    jnz .round
    cli
    mov al, 0xFF
    out 0x21, al
    CHECK_EQ "lahf_matches_pushfd", dword [bad_lahf], 0
    CHECK_EQ "setcc_matches_popfd", dword [bad_setcc], 0
    CHECK_EQ "jcc_matches_popfd", dword [bad_jcc], 0
    CHECK_EQ "cmov_matches_popfd", dword [bad_cmov], 0
    CHECK_EQ "fault_frame_eflags", dword [bad_frame], 0
    cmp dword [ticks], 0
    jne .ticked
    FAIL "interrupts_taken", "no IRQ 0 came during the loop"
.ticked:
    PRINT "flags checksum "
    mov eax, [sum]
    call print_hex
    PRINTLN ""
    ret

; next_operands: ESI and EDI from a 32-bit LCG; a quarter of the time each is one of the
; edges instead.
next_operands:
    call lcg
    mov esi, eax
    call lcg
    mov edi, eax
    call lcg
    test eax, 3 << 8
    jnz .esi_done
    and eax, 7
    mov esi, [edges + 4 * eax]
.esi_done:
    call lcg
    test eax, 3 << 8
    jnz .edi_done
    and eax, 7
    mov edi, [edges + 4 * eax]
.edi_done:
    ret

lcg:                                    ; eax = the next value
    imul eax, [seed], 1103515245
    add eax, 12345
    mov [seed], eax
    ret

irq0_handler:
    push eax
    inc dword [ticks]                   ; a flag writer of its own
    mov al, 0x20                        ; non-specific EOI
    out 0x20, al
    pop eax
    iret

section .data
align 4
seed:       dd 0x6C617A79
edges:      dd 0, 1, 0x7F, 0x80, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x0F
one:        dd 1
mem:        dd 0
round:      dd 0
sum:        dd 0
ticks:      dd 0
bad_lahf:   dd 0
bad_setcc:  dd 0
bad_jcc:    dd 0
bad_cmov:   dd 0
bad_frame:  dd 0

IMAGE_END
