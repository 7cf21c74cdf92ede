; fdc.asm -- the 82077AA floppy controller with DMA channel 2, seen from a kernel (Intel
; 82077AA datasheet, "Command Set"; Intel 8237A datasheet), on a 1.44 MB diskette given as
; --fda (fdc_disk.asm: dword i of LBA n holds 0xF0000000 | (n << 16) | i). Checks:
;
;   version_82077                      VERSION answers 0x90
;   reset_irq6, reset_sense_drive0..3  a reset through the DOR raises IRQ 6 and leaves four
;                                      statuses, ST0 = 0xC0 | drive, for SENSE INTERRUPT
;   recalibrate_st0, recalibrate_pcn   RECALIBRATE: IRQ 6, then ST0 = seek end, cylinder 0
;   seek_st0, seek_pcn                 SEEK to cylinder 1
;   read_lba0_st0, read_lba0_data      READ DATA of C0 H0 R1 through DMA (single mode,
;                                      write to memory), ended by the DMA terminal count
;   read_lba20_data                    C0 H1 R3 = LBA (0 * 2 + 1) * 18 + 2 = 20
;   read_lba37_data                    C1 H0 R2 = LBA 37, after the SEEK
;   read_two_sectors                   two sectors in one command (DMA count 1023)
;   dma_count_done                     the channel's current count wrapped to 0xFFFF and
;                                      its status register reports terminal count (TC2)
;   invalid_command                    an unknown opcode: a one-byte result, ST0 = 0x80

%include "lib.inc"

FDC_DOR         equ 0x3F2
FDC_MSR         equ 0x3F4
FDC_FIFO        equ 0x3F5
FDC_CCR         equ 0x3F7
MSR_RQM         equ 0x80
MSR_DIO         equ 0x40
DOR_NRESET      equ 0x04
DOR_DMA         equ 0x08
DOR_MOTOR_A     equ 0x10

CMD_SPECIFY     equ 0x03
CMD_RECAL       equ 0x07
CMD_SENSE_INT   equ 0x08
CMD_SEEK        equ 0x0F
CMD_READ        equ 0x46                ; READ DATA, MFM
CMD_VERSION     equ 0x10

DMA_MASK        equ 0x0A
DMA_MODE        equ 0x0B
DMA_FLIPFLOP    equ 0x0C
DMA_STATUS      equ 0x08
DMA2_ADDR       equ 0x04
DMA2_COUNT      equ 0x05
DMA2_PAGE       equ 0x81
DMA_MODE_WRITE2 equ 0x46                ; single, increment, "write" (device to memory), ch 2

BUF             equ 0x20000              ; a DMA buffer below 16 MiB, not crossing 64 KiB

PIC1_CMD        equ 0x20
PIC1_DATA       equ 0x21
VEC_IRQ6        equ 0x20 + 6

section .text
test_main:
    SET_IDT VEC_IRQ6, SEL_KCODE, irq6_handler, ACC_INTGATE
    call pic_remap
    mov al, 0xBF                        ; only IRQ 6
    out PIC1_DATA, al
    sti
    call check_version
    call check_reset
    call check_recalibrate
    call check_reads
    call check_invalid
    cli
    ret

; send al: one command or parameter byte, when the FIFO wants one
send:
    push eax
    mov dx, FDC_MSR
.wait:
    in al, dx
    and al, MSR_RQM | MSR_DIO
    cmp al, MSR_RQM
    jne .wait
    pop eax
    mov dx, FDC_FIFO
    out dx, al
    ret

; result: eax = the next result byte, or 0xFFFFFFFF when the controller has none
result:
    mov dx, FDC_MSR
    mov ecx, 100000
.wait:
    in al, dx
    and al, MSR_RQM | MSR_DIO
    cmp al, MSR_RQM | MSR_DIO
    je .read
    cmp al, MSR_RQM                     ; waiting for a command: no (more) result bytes
    je .none
    loop .wait
.none:
    mov eax, 0xFFFFFFFF
    ret
.read:
    mov dx, FDC_FIFO
    in al, dx
    movzx eax, al
    ret

; wait_irq: until IRQ 6 has come (bounded); then forget it
wait_irq:
    mov ecx, 10000000
.spin:
    cmp dword [irq6_count], 0
    jne .done
    loop .spin
.done:
    mov eax, [irq6_count]
    mov dword [irq6_count], 0
    ret

; sense: SENSE INTERRUPT STATUS; ebx = ST0, eax = PCN
sense:
    mov al, CMD_SENSE_INT
    call send
    call result
    mov ebx, eax
    call result
    ret

check_version:
    mov al, DOR_NRESET | DOR_DMA | DOR_MOTOR_A
    mov dx, FDC_DOR
    out dx, al
    mov al, CMD_VERSION
    call send
    call result
    CHECK_EQ "version_82077", eax, 0x90
    ret

check_reset:
    mov dword [irq6_count], 0
    mov dx, FDC_DOR
    xor al, al
    out dx, al                          ; reset
    mov al, DOR_NRESET | DOR_DMA | DOR_MOTOR_A
    out dx, al
    call wait_irq
    CHECK_EQ "reset_irq6", eax, 1
    call sense
    CHECK_EQ "reset_sense_drive0", ebx, 0xC0
    call sense
    CHECK_EQ "reset_sense_drive1", ebx, 0xC1
    call sense
    CHECK_EQ "reset_sense_drive2", ebx, 0xC2
    call sense
    CHECK_EQ "reset_sense_drive3", ebx, 0xC3
    mov dx, FDC_CCR
    xor al, al                          ; 500 Kb/s: a 1.44 MB diskette
    out dx, al
    mov al, CMD_SPECIFY
    call send
    mov al, 0xDF                        ; step rate, head unload time
    call send
    mov al, 0x02                        ; head load time, DMA mode (ND = 0)
    call send
    ret

check_recalibrate:
    mov al, CMD_RECAL
    call send
    xor al, al                          ; drive 0
    call send
    call wait_irq
    call sense
    push eax
    CHECK_EQ "recalibrate_st0", ebx, 0x20
    pop eax
    CHECK_EQ "recalibrate_pcn", eax, 0
    ret

; dma_setup ecx = bytes: channel 2 to BUF, device to memory
dma_setup:
    mov al, 0x06                        ; mask channel 2
    out DMA_MASK, al
    out DMA_FLIPFLOP, al
    mov al, DMA_MODE_WRITE2
    out DMA_MODE, al
    mov eax, BUF
    out DMA2_ADDR, al
    mov al, ah
    out DMA2_ADDR, al
    shr eax, 16
    out DMA2_PAGE, al
    out DMA_FLIPFLOP, al
    lea eax, [ecx - 1]
    out DMA2_COUNT, al
    mov al, ah
    out DMA2_COUNT, al
    mov al, 0x02                        ; unmask channel 2
    out DMA_MASK, al
    ret

; read_chs: bl = C, bh = H, cl = R, ch = EOT; reads into BUF; eax = ST0
read_chs:
    push ecx
    mov al, CMD_READ
    call send
    mov al, bh
    shl al, 2                           ; head << 2 | drive 0
    call send
    mov al, bl
    call send
    mov al, bh
    call send
    pop ecx
    push ecx
    mov al, cl
    call send
    mov al, 2                           ; N: 512 bytes
    call send
    pop ecx
    mov al, ch                          ; EOT
    call send
    mov al, 0x1B                        ; gap length
    call send
    mov al, 0xFF                        ; DTL
    call send
    call wait_irq
    call result                         ; ST0
    push eax
    mov esi, 6                          ; ST1 ST2 C H R N
.rest:
    call result
    dec esi
    jnz .rest
    pop eax
    ret

check_reads:
    mov ecx, 512
    call dma_setup
    mov bl, 0
    mov bh, 0
    mov cl, 1
    mov ch, 18
    call read_chs
    and eax, 0xC0                       ; interrupt code: 00 = normal termination
    CHECK_EQ "read_lba0_st0", eax, 0
    CHECK_EQ "read_lba0_data", dword [BUF + 4], 0xF0000001
    mov ecx, 512
    call dma_setup
    mov bl, 0
    mov bh, 1
    mov cl, 3
    mov ch, 18
    call read_chs
    CHECK_EQ "read_lba20_data", dword [BUF + 8], 0xF0140002
    ; SEEK to cylinder 1, then C1 H0 R2
    mov al, CMD_SEEK
    call send
    xor al, al
    call send
    mov al, 1
    call send
    call wait_irq
    call sense
    push eax
    CHECK_EQ "seek_st0", ebx, 0x20
    pop eax
    CHECK_EQ "seek_pcn", eax, 1
    mov ecx, 512
    call dma_setup
    mov bl, 1
    mov bh, 0
    mov cl, 2
    mov ch, 18
    call read_chs
    CHECK_EQ "read_lba37_data", dword [BUF + 12], 0xF0250003
    ; two sectors in one command: C0 H0 R5-R6 = LBA 4-5
    mov ecx, 1024
    call dma_setup
    mov bl, 0
    mov bh, 0
    mov cl, 5
    mov ch, 18
    call read_chs
    mov eax, [BUF + 512]
    CHECK_EQ "read_two_sectors", eax, 0xF0050000
    in al, DMA_STATUS                   ; bit 2: channel 2 reached terminal count
    movzx eax, al
    CHECK_MASK "dma_tc2", eax, 0x04, 0x04
    out DMA_FLIPFLOP, al
    in al, DMA2_COUNT
    mov ah, al
    in al, DMA2_COUNT
    xchg al, ah
    movzx eax, ax
    CHECK_EQ "dma_count_done", eax, 0xFFFF
    ret

check_invalid:
    mov al, 0x1F                        ; not a command of the 82077AA
    call send
    call result
    CHECK_EQ "invalid_command", eax, 0x80
    call result
    CHECK_EQ "invalid_one_byte", eax, 0xFFFFFFFF
    ret

irq6_handler:
    push eax
    inc dword [irq6_count]
    mov al, 0x20
    out PIC1_CMD, al
    pop eax
    iretd

section .data
align 4
irq6_count: dd 0

IMAGE_END
