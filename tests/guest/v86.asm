; v86.asm -- virtual-8086 mode: entry by IRET, the IOPL-sensitive instructions, the
; I/O permission bitmap, and the way back to ring 0.
;
; Intel SDM vol. 3 chapter 20 "8086 Emulation" (chapter 15 or 16 in older editions):
;   20.2.5  IRET at CPL 0 with VM = 1 in the popped EFLAGS enters v86 mode, popping EIP,
;           CS, EFLAGS, ESP, SS, ES, DS, FS, GS (9 dwords); addresses are segment * 16 +
;           offset, as in real mode.
;   20.2.7  with IOPL < 3, CLI, STI, PUSHF, POPF, INT n and IRET are "IOPL-sensitive":
;           they raise #GP(0) to the ring-0 monitor; with IOPL = 3 they execute (INT n
;           then goes through the protected-mode IDT, to a DPL-3 gate).  POPF and IRET
;           in v86 mode never change IOPL.
;   20.2.8.1 IN/OUT in v86 mode ignore IOPL and always consult the TSS I/O permission
;           bitmap (vol. 1, "I/O Permission Bit Map"): every bit covering the access
;           must be 0, so a word access is denied if either of its two ports is denied.
;   20.3.1.1/6.12.1 an exception or interrupt out of v86 mode switches to SS0:ESP0, pushes
;           GS, FS, DS, ES, then SS, ESP, EFLAGS, CS, EIP (and the error code), and loads
;           null into DS, ES, FS, GS before the handler runs (figure 20-2/6-5).
;
; The 16-bit code lives in v86_blob, copied to linear 0x2000 (segment 0x0200); its stack
; is 0x0300:0x0FF0.  Those addresses are below 640 KiB and away from where QEMU keeps the
; multiboot info (0x9000 up); the test no longer needs the multiboot info at that point.
; Each check ARMs, IRETs into v86 mode at one entry point, and lets the recording stub
; catch the #GP (or the #UD end marker, or INT VEC_RETURN) that comes back out.
;
; Checks:
;   v86_cli_iopl0_gp with the full frame: v86_frame_{cs,eip,ss,esp,eflags_vm,es,ds,fs,gs},
;   v86_handler_{ds,es,fs,gs}_null; v86_{sti,pushf,popf,int,iret}_iopl0_gp,
;   v86_cli_iopl2_gp; with IOPL 3: v86_int_iopl3_reaches_ring0 (9-dword frame, no error
;   code), v86_iopl3_cli_clears_if, v86_iopl3_pushf_shows_iopl, v86_iopl3_sti_sets_if,
;   v86_iopl3_popf_sets_if, v86_popf_cannot_change_iopl, v86_iopl3_iret_works;
;   I/O: v86_out_permitted_port_iopl0 (prints an "info:" line on port 0xE9),
;   v86_out_denied_port_iopl3_gp, v86_in_denied_port_gp, v86_word_out_high_half_denied,
;   v86_word_in_low_half_denied, v86_word_in_both_permitted.

%include "lib.inc"

V86_LINEAR  equ 0x2000                  ; where the 16-bit code is copied
V86_CS      equ V86_LINEAR >> 4
V86_DS      equ V86_CS                  ; data (strings) is in the same blob
V86_SS      equ 0x0300
V86_SP      equ 0x0FF0
V86_ES      equ 0x1111                  ; arbitrary, only to see them in the frame
V86_FS      equ 0x2222
V86_GS      equ 0x3333
PORT_DENIED equ 0x80                    ; bitmap bit set
PORT_WORD_OK equ 0x400                  ; 0x400 and 0x401 permitted; 0x3FF denied

%define V86IP(label) ((label) - v86_blob)   ; offset of a blob label in segment V86_CS

; ENTER_V86 entry label, IOPL bits: IRET from ring 0 into v86 mode.
%macro ENTER_V86 2
    push dword V86_GS
    push dword V86_FS
    push dword V86_DS
    push dword V86_ES
    push dword V86_SS
    push dword V86_SP
    push dword EFL_VM | EFL_RSV | (%2)
    push dword V86_CS
    push dword V86IP(%1)
    iretd
%endmacro

; V86_EXPECT name, entry, IOPL bits, vector, error code | NOERR, label of the saved IP
%macro V86_EXPECT 6
    ARM %%recover
    ENTER_V86 %2, %3
%%recover:
    EXPECT_EXC %1, %4, %5, V86IP(%6)
%endmacro

IOPL0 equ 0
IOPL2 equ 2 << 12
IOPL3 equ 3 << 12

section .text
test_main:
    cld
    mov esi, v86_blob
    mov edi, V86_LINEAR
    mov ecx, v86_blob_end - v86_blob
    rep movsb
    ; I/O bitmap: permit 0xE9 (the console) and 0x400-0x401; all else stays denied.
    ; (BTR with a register offset addresses the whole bit string; an immediate offset
    ; would wrap at 32.)
    mov eax, PORT_DEBUGCON
    btr [tss_main + TSS_SIZE], eax
    mov eax, PORT_WORD_OK
    btr [tss_main + TSS_SIZE], eax
    inc eax
    btr [tss_main + TSS_SIZE], eax

    call t_gp_frame
    call t_sensitive_iopl0
    call t_iopl3
    call t_io
    ret

; The first #GP out of v86 mode, looked at closely.
t_gp_frame:
    V86_EXPECT "v86_cli_iopl0_gp", v86_cli, IOPL0, EXC_GP, 0, v86_cli
    CHECK_EQ "v86_frame_cs", dword [exc_cs], V86_CS
    CHECK_EQ "v86_frame_eip", dword [exc_eip], V86IP(v86_cli)
    CHECK_MASK "v86_frame_eflags_vm", dword [exc_eflags], EFL_VM | EFL_IOPL3, EFL_VM
    CHECK_EQ "v86_frame_esp", dword [exc_frame + 4 * 4], V86_SP
    CHECK_EQ "v86_frame_ss", dword [exc_frame + 5 * 4], V86_SS
    CHECK_EQ "v86_frame_es", dword [exc_frame + 6 * 4], V86_ES
    CHECK_EQ "v86_frame_ds", dword [exc_frame + 7 * 4], V86_DS
    CHECK_EQ "v86_frame_fs", dword [exc_frame + 8 * 4], V86_FS
    CHECK_EQ "v86_frame_gs", dword [exc_frame + 9 * 4], V86_GS
    CHECK_EQ "v86_handler_ds_null", dword [exc_ds], 0
    CHECK_EQ "v86_handler_es_null", dword [exc_es], 0
    CHECK_EQ "v86_handler_fs_null", dword [exc_fs], 0
    CHECK_EQ "v86_handler_gs_null", dword [exc_gs], 0
    ret

t_sensitive_iopl0:
    V86_EXPECT "v86_sti_iopl0_gp", v86_sti, IOPL0, EXC_GP, 0, v86_sti
    V86_EXPECT "v86_pushf_iopl0_gp", v86_pushf, IOPL0, EXC_GP, 0, v86_pushf
    V86_EXPECT "v86_popf_iopl0_gp", v86_popf, IOPL0, EXC_GP, 0, v86_popf.insn
    V86_EXPECT "v86_int_iopl0_gp", v86_int, IOPL0, EXC_GP, 0, v86_int
    V86_EXPECT "v86_iret_iopl0_gp", v86_iret, IOPL0, EXC_GP, 0, v86_iret
    V86_EXPECT "v86_cli_iopl2_gp", v86_cli, IOPL2, EXC_GP, 0, v86_cli
    ret

; With IOPL 3 the same instructions just run; INT n leaves through the IDT.
t_iopl3:
    V86_EXPECT "v86_int_iopl3_reaches_ring0", v86_iopl3_seq, IOPL3, VEC_RETURN, NOERR, \
        v86_iopl3_seq.after_int
    CHECK_EQ "v86_int_frame_ds", dword [exc_frame + 7 * 4], V86_DS
    CHECK_EQ "v86_int_handler_ds_null", dword [exc_ds], 0
    CHECK_MASK "v86_iopl3_cli_clears_if", dword [exc_eax], EFL_IF, 0
    CHECK_MASK "v86_iopl3_pushf_shows_iopl", dword [exc_eax], EFL_IOPL3, EFL_IOPL3
    CHECK_MASK "v86_iopl3_sti_sets_if", dword [exc_ebx], EFL_IF, EFL_IF
    CHECK_MASK "v86_iopl3_popf_sets_if", dword [exc_ecx], EFL_IF, 0
    CHECK_MASK "v86_popf_cannot_change_iopl", dword [exc_ecx], EFL_IOPL3, EFL_IOPL3
    CHECK_EQ "v86_iopl3_iret_works", dword [exc_edx], 0x5A5A
    ret

t_io:
    V86_EXPECT "v86_out_permitted_port_iopl0", v86_hello, IOPL0, EXC_UD, NOERR, \
        v86_hello.end
    V86_EXPECT "v86_out_denied_port_iopl3_gp", v86_out_denied, IOPL3, EXC_GP, 0, \
        v86_out_denied
    V86_EXPECT "v86_in_denied_port_gp", v86_in_denied, IOPL0, EXC_GP, 0, v86_in_denied
    V86_EXPECT "v86_word_out_high_half_denied", v86_word_out_e9, IOPL3, EXC_GP, 0, \
        v86_word_out_e9
    V86_EXPECT "v86_word_in_low_half_denied", v86_word_in_3ff, IOPL3, EXC_GP, 0, \
        v86_word_in_3ff.insn
    V86_EXPECT "v86_word_in_both_permitted", v86_word_in_400, IOPL0, EXC_UD, NOERR, \
        v86_word_in_400.end
    ret

; ---- 16-bit code run in v86 mode (position-independent: only IP-relative jumps and
; ---- V86IP() offsets).  UD2 marks "got to the end".

bits 16
v86_blob:
v86_cli:
    cli
    ud2
v86_sti:
    sti
    ud2
v86_pushf:
    pushf
    ud2
v86_popf:
    push word 0
.insn:
    popf
    ud2
v86_int:
    int VEC_RETURN
    ud2
v86_iret:
    iret                            ; traps before popping anything
    ud2

v86_iopl3_seq:
    cli
    pushf
    pop ax                          ; IF = 0, IOPL = 3
    sti
    pushf
    pop bx                          ; IF = 1
    push word 0                     ; IOPL 0, IF 0 ...
    popf                            ; ... but IOPL stays 3
    pushf
    pop cx
    pushf                           ; IRET to .after_iret, as in real mode
    push cs
    push word V86IP(.after_iret)
    iret
    ud2
.after_iret:
    mov dx, 0x5A5A
    int VEC_RETURN                  ; to the DPL-3 gate in the IDT, at ring 0
.after_int:
    ud2

v86_hello:
    mov si, V86IP(.msg)             ; DS = V86_DS
.next:
    lodsb
    test al, al
    jz .end
    out PORT_DEBUGCON, al
    jmp .next
.end:
    ud2
.msg:
    db "info: hello from v86 mode through port 0xE9", 10, 0

v86_out_denied:
    out PORT_DENIED, al
    ud2
v86_in_denied:
    in al, PORT_DENIED
    ud2
v86_word_out_e9:
    out PORT_DEBUGCON, ax           ; 0xE9 permitted, 0xEA denied
    ud2
v86_word_in_3ff:
    mov dx, PORT_WORD_OK - 1
.insn:
    in ax, dx                       ; 0x3FF denied, 0x400 permitted
    ud2
v86_word_in_400:
    mov dx, PORT_WORD_OK
    in ax, dx                       ; 0x400 and 0x401 permitted
.end:
    ud2
v86_blob_end:
bits 32
