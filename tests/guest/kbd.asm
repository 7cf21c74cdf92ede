; kbd.asm -- the 8042 keyboard controller and the PS/2 keyboard and mouse behind it, seen
; from a kernel (IBM PS/2 Hardware Interface Technical Reference, "Keyboard and Auxiliary
; Device Controller"; the keyboard's and mouse's command sets). Checks:
;
;   ctrl_self_test, cb_after_self_test     0xAA answers 0x55
;   kbd_interface_test, aux_interface_test 0xAB and 0xA9 answer 0x00 (no fault)
;   cb_read, cb_write                      0x20 reads the command byte, 0x60 writes it
;   outport_a20_off, outport_a20_on        0xD1 writes the output port, 0xD0 reads it back;
;   a20_wraps, a20_open                    bit 1 is the A20 gate: 1 MiB wraps to 0 when off
;   kbd_echo, kbd_echo_irq1                the keyboard's ECHO (0xEE) comes back as 0xEE on
;                                          IRQ 1, the status register's OBF set, AUX clear
;   kbd_reset_ack, kbd_reset_bat           RESET (0xFF): ACK 0xFA, then 0xAA (test passed)
;   kbd_id_translated                      GET ID (0xF2): 0xFA 0xAB 0x41 (0x83 translated)
;   kbd_id_raw                             the same with translation off: 0xAB 0x83
;   aux_write_ack, aux_id, aux_irq12       0xD4 routes a byte to the mouse: GET ID answers
;                                          0xFA 0x00 with AUX set in the status, on IRQ 12
;   ctrl_echo_d2                           0xD2 puts a byte in the buffer as if from the
;                                          keyboard

%include "lib.inc"

KBC_DATA        equ 0x60
KBC_CMD         equ 0x64                 ; write: command; read: status
ST_OBF          equ 0x01
ST_AUX          equ 0x20
PIC1_CMD        equ 0x20
PIC1_DATA       equ 0x21
PIC2_CMD        equ 0xA0
PIC2_DATA       equ 0xA1
VEC_IRQ1        equ 0x20 + 1
VEC_IRQ12       equ 0x28 + 4

section .text
test_main:
    SET_IDT VEC_IRQ1, SEL_KCODE, irq1_handler, ACC_INTGATE
    SET_IDT VEC_IRQ12, SEL_KCODE, irq12_handler, ACC_INTGATE
    ; Interrupts off in the command byte before anything answers: an answer with IRQ 1 on
    ; would leave a request latched in the PIC's IRR for later, as on a real PC.
    mov al, 0x60
    call cmd
    mov al, 0x44
    out KBC_DATA, al
    call flush
    call pic_remap
    call check_controller
    call check_a20
    call check_keyboard
    call check_mouse
    ret

; cmd al: a controller command
cmd:
    out KBC_CMD, al
    ret

; read_byte: wait (bounded) for OBF, eax = the byte, or 0xFFFFFFFF when none came;
; ebx = the status it had
read_byte:
    mov ecx, 1000000
.spin:
    in al, KBC_CMD
    test al, ST_OBF
    jnz .got
    loop .spin
    mov eax, 0xFFFFFFFF
    ret
.got:
    movzx ebx, al
    in al, KBC_DATA
    movzx eax, al
    ret

; flush: read whatever waits
flush:
    mov ecx, 100
.again:
    in al, KBC_CMD
    test al, ST_OBF
    jz .done
    in al, KBC_DATA
    loop .again
.done:
    ret

check_controller:
    call flush
    mov al, 0xAD                        ; keyboard off while we talk to the controller
    call cmd
    mov al, 0xAA
    call cmd
    call read_byte
    CHECK_EQ "ctrl_self_test", eax, 0x55
    mov al, 0xAB
    call cmd
    call read_byte
    CHECK_EQ "kbd_interface_test", eax, 0x00
    mov al, 0xA9
    call cmd
    call read_byte
    CHECK_EQ "aux_interface_test", eax, 0x00
    mov al, 0x60                        ; command byte: no IRQs, translation, SYS
    call cmd
    mov al, 0x44
    out KBC_DATA, al
    mov al, 0x20
    call cmd
    call read_byte
    CHECK_EQ "cb_write_read", eax, 0x44
    mov al, 0xD2                        ; a byte "from the keyboard"
    call cmd
    mov al, 0x5C
    out KBC_DATA, al
    call read_byte
    CHECK_EQ "ctrl_echo_d2", eax, 0x5C
    mov al, 0xAE                        ; keyboard back on
    call cmd
    ret

;   A20 through the output port: with the gate closed, 0x100000 is 0x000000. The kernel
; itself lies at 1 MiB, so the probe runs from a copy at LOW_PROBE below 1 MiB, with
; interrupts off, and opens the gate again before it returns (the stack is up here too).
LOW_PROBE       equ 0x8000
PROBE_RESULT    equ 0x6000               ; what the probe saw: [0] gate off, [4] gate on

check_a20:
    cli
    mov esi, a20_probe
    mov edi, LOW_PROBE
    mov ecx, a20_probe_end - a20_probe
    rep movsb
    mov eax, LOW_PROBE
    call eax
    CHECK_EQ "a20_wraps", dword [PROBE_RESULT], 0x22222222
    CHECK_EQ "a20_open", dword [PROBE_RESULT + 4], 0x11111111
    mov al, 0xD0
    call cmd
    call read_byte
    CHECK_MASK "outport_a20_on", eax, 0x02, 0x02
    CHECK_MASK "outport_a20_off", dword [PROBE_RESULT + 8], 0x02, 0x00
    ret

; The probe (position-independent; no stack use while the gate is closed).
a20_probe:
    mov al, 0xD1                        ; write the output port:
    out KBC_CMD, al
    mov al, 0xDD                        ;   reset line not asserted, A20 off
    out KBC_DATA, al
    mov al, 0xD0                        ; read it back
    out KBC_CMD, al
.wait:
    in al, KBC_CMD
    test al, ST_OBF
    jz .wait
    in al, KBC_DATA
    movzx eax, al
    mov [PROBE_RESULT + 8], eax
    mov dword [0x7000], 0x11111111
    mov dword [0x107000], 0x22222222
    mov eax, [0x7000]
    mov [PROBE_RESULT], eax
    mov al, 0xD1
    out KBC_CMD, al
    mov al, 0xDF                        ; A20 on
    out KBC_DATA, al
    mov dword [0x7000], 0x11111111
    mov dword [0x107000], 0x22222222
    mov eax, [0x7000]
    mov [PROBE_RESULT + 4], eax
    ret
a20_probe_end:

check_keyboard:
    call flush
    mov al, 0x60                        ; IRQ 1 on, translation on
    call cmd
    mov al, 0x45
    out KBC_DATA, al
    mov al, 0xFD                        ; unmask IRQ 1
    out PIC1_DATA, al
    mov dword [irq1_count], 0
    mov al, 0xEE                        ; ECHO
    out KBC_DATA, al
    sti
    call wait_irq1
    cli
    CHECK_EQ "kbd_echo_irq1", dword [irq1_count], 1
    CHECK_EQ "kbd_echo", dword [irq1_byte], 0xEE
    CHECK_MASK "kbd_echo_status", dword [irq1_status], ST_OBF | ST_AUX, ST_OBF
    mov al, 0xFF
    out PIC1_DATA, al
    mov al, 0x60                        ; polled from here on
    call cmd
    mov al, 0x44
    out KBC_DATA, al
    call flush
    mov al, 0xFF                        ; RESET
    out KBC_DATA, al
    call read_byte
    CHECK_EQ "kbd_reset_ack", eax, 0xFA
    call read_byte
    CHECK_EQ "kbd_reset_bat", eax, 0xAA
    mov al, 0xF2                        ; GET ID, translated
    out KBC_DATA, al
    call read_byte
    mov edx, eax
    call read_byte
    shl edx, 8
    or edx, eax
    call read_byte
    shl edx, 8
    or edx, eax
    CHECK_EQ "kbd_id_translated", edx, 0xFAAB41
    mov al, 0x60                        ; translation off
    call cmd
    mov al, 0x04
    out KBC_DATA, al
    mov al, 0xF2
    out KBC_DATA, al
    call read_byte
    mov edx, eax
    call read_byte
    shl edx, 8
    or edx, eax
    call read_byte
    shl edx, 8
    or edx, eax
    CHECK_EQ "kbd_id_raw", edx, 0xFAAB83
    ret

check_mouse:
    call flush
    mov al, 0xA8                        ; mouse port on
    call cmd
    mov al, 0x60                        ; IRQ 12 on, IRQ 1 off, mouse clock on
    call cmd
    mov al, 0x06
    out KBC_DATA, al
    mov al, 0xFB                        ; unmask the cascade
    out PIC1_DATA, al
    mov al, 0xEF                        ; unmask IRQ 12 (slave IR4)
    out PIC2_DATA, al
    mov dword [irq12_count], 0
    mov al, 0xD4
    call cmd
    mov al, 0xF2                        ; GET ID to the mouse
    out KBC_DATA, al
    sti
    call wait_irq12                     ; ACK
    call wait_irq12                     ; ID
    cli
    CHECK_EQ "aux_irq12", dword [irq12_count], 2
    CHECK_EQ "aux_write_ack_id", dword [irq12_bytes], 0xFA00
    CHECK_MASK "aux_status", dword [irq12_status], ST_OBF | ST_AUX, ST_OBF | ST_AUX
    mov al, 0xFF
    out PIC1_DATA, al
    out PIC2_DATA, al
    ret

wait_irq1:
    mov ecx, 1000000
.spin:
    cmp dword [irq1_count], 0
    jne .done
    loop .spin
.done:
    ret

; wait_irq12: until irq12_count grows (bounded)
wait_irq12:
    mov ebx, [irq12_count]
    mov ecx, 1000000
.spin:
    cmp [irq12_count], ebx
    jne .done
    loop .spin
.done:
    ret

irq1_handler:
    push eax
    in al, KBC_CMD
    movzx eax, al
    mov [irq1_status], eax
    in al, KBC_DATA
    movzx eax, al
    mov [irq1_byte], eax
    inc dword [irq1_count]
    mov al, 0x20
    out PIC1_CMD, al
    pop eax
    iretd

irq12_handler:
    push eax
    in al, KBC_CMD
    movzx eax, al
    mov [irq12_status], eax
    in al, KBC_DATA
    shl dword [irq12_bytes], 8
    or [irq12_bytes], al
    inc dword [irq12_count]
    mov al, 0x20
    out PIC2_CMD, al
    out PIC1_CMD, al
    pop eax
    iretd

section .data
align 4
irq1_count:   dd 0
irq1_byte:    dd 0
irq1_status:  dd 0
irq12_count:  dd 0
irq12_bytes:  dd 0
irq12_status: dd 0

IMAGE_END
