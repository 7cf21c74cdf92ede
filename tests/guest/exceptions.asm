; exceptions.asm -- every protected-mode exception: vector, error code, saved EIP.
;
; For each exception the test provokes it once (or a few ways), lets lib.inc's recording
; stub catch it and checks, via EXPECT_EXC:
;   * the vector;
;   * whether the CPU pushed an error code, from the size of the frame it pushed: the
;     CPU pushes one only for #DF, #TS, #NP, #SS, #GP, #PF and #AC  [Intel SDM vol. 3,
;     6.13 and table 6-1], so #DE, #DB, #BP, #OF, #BR, #UD and #NM must leave a 12-byte
;     (same level) or 20-byte (from ring 3) frame;
;   * the error code: a selector error code is the selector with TI/EXT, or
;     vector * 8 + 2 when the IDT gate itself is at fault (IDT bit 1)  [6.13, fig. 6-7];
;   * the saved EIP: faults save the address of the faulting instruction (restartable),
;     traps (#DB single-step, #BP, #OF) the address of the next one  [6.5].
;
; Checks (and the SDM entry for each exception in vol. 3 6.15 "Exception and Interrupt
; Reference"):
;   #DE  divide by zero, IDIV overflow, DIV quotient too large for AL
;   #DB  single-step trap after the instruction that ran with TF = 1; DR6.BS = 1
;        ["Debug Status Register (DR6)", "Single-Step Exception Condition"]
;   #BP  INT3: a trap, EIP after the 1-byte INT3
;   #OF  INTO with OF = 1 (trap); INTO with OF = 0 does nothing
;   #BR  BOUND with the index above the upper bound
;   #UD  UD2; LOCK on an instruction that cannot be locked (vol. 2 LOCK)
;   #NM  ESC (x87) instruction with CR0.EM = 1; with CR0.TS = 1; WAIT with MP = TS = 1
;        [2.5, table 2-2]
;   #TS  JMP to a TSS whose limit is below 0x67 -> error code = TSS selector [7.3]
;   #NP  MOV DS with a not-present data segment; far JMP to a not-present code
;        segment -> selector; INT n through a not-present gate -> n * 8 + 2
;   #SS  SS-relative reference beyond SS's limit -> 0; MOV SS with a not-present
;        segment -> selector [5.3]
;   #GP  memory reference through a null ES -> 0; beyond a data segment's limit -> 0;
;        write through a (readable) code segment -> 0; MOV DS with an execute-only code
;        segment -> selector; at CPL 3: MOV DS with a DPL-0 data segment -> selector,
;        INT n through a DPL-0 gate -> n * 8 + 2, HLT, CLI with IOPL = 0, MOV to CR0 and
;        IN without I/O permission -> 0 [5.5 .. 5.9, 6.12.1.1; vol. 1 "I/O Permission
;        Bit Map"]
;   #PF  not-present read / write at CPL 0, not-present read at CPL 3, write to a
;        read-only page at CPL 3, read of a supervisor page at CPL 3: error code P, W/R,
;        U/S bits and CR2 = the faulting linear address [4.7]
;   #AC  misaligned read at CPL 3 with CR0.AM = 1 and EFLAGS.AC = 1 -> 0; none at CPL 0,
;        none with EFLAGS.AC = 0 [6.15 interrupt 17]
;
; QEMU (TCG, 7.2) divergences from the SDM, kept here with the architectural expectation
; and listed in run-qemu.sh: QEMU does not check data-segment limits, null selectors or
; writes to code segments on memory accesses (gp_null_es, gp_beyond_limit,
; gp_write_code_segment, ss_beyond_limit) and does not implement alignment checking
; (ac_misaligned_cpl3).

%include "lib.inc"

SEL_SMALL_TSS   equ SEL_FREE + 0x00     ; TSS descriptor, limit 0x50 (< 0x67)
SEL_NP_DATA     equ SEL_FREE + 0x08     ; data segment, not present
SEL_NP_CODE     equ SEL_FREE + 0x10     ; code segment, not present
SEL_SS_LIMITED  equ SEL_FREE + 0x18     ; data segment, limit 2 MiB
SEL_SMALL_DATA  equ SEL_FREE + 0x20     ; data segment, limit 4 KiB
SEL_EXEC_ONLY   equ SEL_FREE + 0x28     ; code segment, execute-only
VEC_NP_GATE     equ 0x40                ; an IDT gate marked not present
VEC_DPL0_GATE   equ 0x41                ; a DPL-0 gate, INT from ring 3 must #GP

section .text
test_main:
    call t_de
    call t_db
    call t_bp
    call t_of
    call t_br
    call t_ud
    call t_nm
    call t_ts
    call t_np
    call t_ss
    call t_gp
    call t_pf
    call t_ac
    ret

t_de:
    xor ecx, ecx
    mov eax, 1
    xor edx, edx
    FAULT_AT_CPL0 "de_div_by_zero", EXC_DE, NOERR, div ecx
    mov edx, 0xFFFFFFFF
    mov eax, 0x80000000             ; EDX:EAX = -2^31
    mov ecx, -1                     ; quotient +2^31 does not fit
    FAULT_AT_CPL0 "de_idiv_overflow", EXC_DE, NOERR, idiv ecx
    mov ax, 0x1000
    mov cl, 0x10                    ; 0x1000 / 0x10 = 0x100 does not fit AL
    FAULT_AT_CPL0 "de_div8_quotient_overflow", EXC_DE, NOERR, div cl
    ret

; Single-step: POPF sets TF; the trap comes after the *next* instruction, the first one
; that starts with TF = 1 ["Single-Step Exception Condition"].
t_db:
    xor eax, eax
    mov dr6, eax
    ARM .recover
    pushfd
    or dword [esp], EFL_TF
    popfd
    nop                             ; runs with TF = 1
.after:                             ; #DB trap: saved EIP points here
    nop
.recover:
    EXPECT_EXC "db_single_step", EXC_DB, NOERR, .after
    mov eax, dr6
    CHECK_MASK "db_dr6_bs", eax, 1 << 14, 1 << 14
    ret

t_bp:
    ARM .recover
    int3
.after:
.recover:
    EXPECT_EXC "bp_int3_eip_after", EXC_BP, NOERR, .after
    ret

t_of:
    mov eax, 0x7FFFFFFF
    add eax, 1                      ; OF = 1
    ARM .recover
    into
.after:
.recover:
    EXPECT_EXC "of_into_overflow", EXC_OF, NOERR, .after
    xor eax, eax                    ; OF = 0
    ARM .recover2
    into                            ; no-op
.after2:
    int VEC_RETURN                  ; proves we got past INTO
.recover2:
    EXPECT_EXC "of_into_no_overflow_no_trap", VEC_RETURN, NOERR, .after2 + 2
    ret

t_br:
    mov eax, 50
    ARM .recover
    bound eax, [bounds]             ; 0 <= 50 <= 100: no fault
    int VEC_RETURN
.recover:
    EXPECT_EXC "br_in_range_no_fault", VEC_RETURN, NOERR, ANY
    mov eax, 101
    FAULT_AT_CPL0 "br_above_upper", EXC_BR, NOERR, bound eax, [bounds]
    ret

t_ud:
    FAULT_AT_CPL0 "ud_ud2", EXC_UD, NOERR, ud2
[warning -prefix-lock]              ; yes, nasm, that is the point
    FAULT_AT_CPL0 "ud_lock_nop", EXC_UD, NOERR, lock nop
[warning *prefix-lock]
    FAULT_AT_CPL0 "ud_lock_register_add", EXC_UD, NOERR, db 0xF0, 0x01, 0xC0  ; lock add eax, eax
    ret

t_nm:
    mov ebx, cr0
    mov eax, ebx
    or eax, CR0_EM
    and eax, ~(CR0_TS | CR0_MP)
    mov cr0, eax
    FAULT_AT_CPL0 "nm_esc_with_em", EXC_NM, NOERR, fnop
    mov eax, ebx
    and eax, ~(CR0_EM | CR0_MP)
    or eax, CR0_TS
    mov cr0, eax
    FAULT_AT_CPL0 "nm_esc_with_ts", EXC_NM, NOERR, fnop
    mov eax, ebx
    and eax, ~CR0_EM
    or eax, CR0_TS | CR0_MP
    mov cr0, eax
    FAULT_AT_CPL0 "nm_wait_with_mp_ts", EXC_NM, NOERR, wait
    mov cr0, ebx
    clts
    ret

; The TSS limit is checked before anything of the old task is saved [7.3, table 7-1].
t_ts:
    SET_SEG SEL_SMALL_TSS, small_tss, 0x50, ACC_TSS32, 0
    FAULT_AT_CPL0 "ts_tss_limit_too_small", EXC_TS, SEL_SMALL_TSS, jmp SEL_SMALL_TSS:0
    ret

t_np:
    SET_SEG SEL_NP_DATA, 0, 0xFFFFF, ACC_DATA_RW & ~ACC_PRESENT, FL_FLAT
    SET_SEG SEL_NP_CODE, 0, 0xFFFFF, ACC_CODE_XR & ~ACC_PRESENT, FL_FLAT
    mov eax, SEL_NP_DATA
    FAULT_AT_CPL0 "np_load_ds", EXC_NP, SEL_NP_DATA, mov ds, ax
    FAULT_AT_CPL0 "np_far_jmp_code", EXC_NP, SEL_NP_CODE, jmp SEL_NP_CODE:0
    mov eax, [exc_stub_table + 4 * VEC_NP_GATE]
    SET_IDT VEC_NP_GATE, SEL_KCODE, eax, ACC_INTGATE & ~ACC_PRESENT
    FAULT_AT_CPL0 "np_int_gate_not_present", EXC_NP, VEC_NP_GATE * 8 + 2, int VEC_NP_GATE
    RESTORE_IDT VEC_NP_GATE
    ret

t_ss:
    ; SS with base 0 and limit 2 MiB - 1: the stack (near 1 MiB) stays usable, and the
    ; exception frame can still be pushed on it.
    SET_SEG SEL_SS_LIMITED, 0, 0x1FF, ACC_DATA_RW, FL_FLAT
    SET_SEG SEL_NP_DATA, 0, 0xFFFFF, ACC_DATA_RW & ~ACC_PRESENT, FL_FLAT
    mov ax, SEL_SS_LIMITED
    mov ss, ax
    FAULT_AT_CPL0 "ss_beyond_limit", EXC_SS, 0, mov eax, [ss:0x300000]
    mov ax, SEL_KDATA               ; (recovery reloads SS; this is for no-fault runs)
    mov ss, ax
    mov eax, SEL_NP_DATA
    FAULT_AT_CPL0 "ss_load_not_present", EXC_SS, SEL_NP_DATA, mov ss, ax
    ret

t_gp:
    xor eax, eax
    mov es, ax                      ; loading null into ES is allowed; using it is not
    FAULT_AT_CPL0 "gp_null_es", EXC_GP, 0, mov eax, [es:scratch]
    SET_SEG SEL_SMALL_DATA, 0, 0xFFF, ACC_DATA_RW, FL_32    ; byte granular: 4 KiB
    mov ax, SEL_SMALL_DATA
    mov es, ax
    FAULT_AT_CPL0 "gp_beyond_limit", EXC_GP, 0, mov eax, [es:0x1FFE]
    mov ax, SEL_KCODE               ; readable code may be loaded into ES, not written
    mov es, ax
    FAULT_AT_CPL0 "gp_write_code_segment", EXC_GP, 0, mov [es:scratch], eax
    mov ax, SEL_KDATA
    mov es, ax
    SET_SEG SEL_EXEC_ONLY, 0, 0xFFFFF, ACC_CODE_X, FL_FLAT
    mov ecx, SEL_EXEC_ONLY
    ARM .recover
.load_ds:
    mov ds, cx
    mov ax, SEL_KDATA               ; only if the load wrongly succeeded
    mov ds, ax
.recover:
    EXPECT_EXC "gp_load_exec_only_into_ds", EXC_GP, SEL_EXEC_ONLY, .load_ds

    mov ecx, SEL_KDATA
    FAULT_AT_CPL3 "gp_cpl3_load_dpl0_data", EXC_GP, SEL_KDATA, EFL_RSV, mov ds, cx
    FAULT_AT_CPL3 "gp_cpl3_int_dpl0_gate", EXC_GP, VEC_DPL0_GATE * 8 + 2, EFL_RSV, \
        int VEC_DPL0_GATE
    FAULT_AT_CPL3 "gp_cpl3_hlt", EXC_GP, 0, EFL_RSV, hlt
    FAULT_AT_CPL3 "gp_cpl3_cli_iopl0", EXC_GP, 0, EFL_RSV, cli
    FAULT_AT_CPL3 "gp_cpl3_mov_cr0", EXC_GP, 0, EFL_RSV, mov cr0, eax
    FAULT_AT_CPL3 "gp_cpl3_in_no_permission", EXC_GP, 0, EFL_RSV, in al, 0x80
    ret

t_pf:
    call paging_init
    mov eax, pf_absent
    call pte_of
    mov dword [eax], 0                              ; not present
    mov eax, pf_readonly
    call pte_of
    and dword [eax], ~PTE_W                         ; user, read-only
    mov eax, pf_kernel
    call pte_of
    and dword [eax], ~PTE_U                         ; supervisor only
    call paging_on

    FAULT_AT_CPL0 "pf_read_not_present", EXC_PF, 0, mov eax, [pf_absent + 0x123]
    CHECK_EQ "pf_read_not_present_cr2", dword [exc_cr2], pf_absent + 0x123
    FAULT_AT_CPL0 "pf_write_not_present", EXC_PF, 2, mov [pf_absent + 0x456], eax
    CHECK_EQ "pf_write_not_present_cr2", dword [exc_cr2], pf_absent + 0x456
    FAULT_AT_CPL3 "pf_user_read_not_present", EXC_PF, 4, EFL_RSV, mov eax, [pf_absent + 8]
    CHECK_EQ "pf_user_read_not_present_cr2", dword [exc_cr2], pf_absent + 8
    FAULT_AT_CPL3 "pf_user_write_read_only", EXC_PF, 7, EFL_RSV, mov [pf_readonly + 12], eax
    CHECK_EQ "pf_user_write_read_only_cr2", dword [exc_cr2], pf_readonly + 12
    FAULT_AT_CPL3 "pf_user_read_supervisor", EXC_PF, 5, EFL_RSV, mov eax, [pf_kernel + 16]
    CHECK_EQ "pf_user_read_supervisor_cr2", dword [exc_cr2], pf_kernel + 16

    call paging_off
    ret

t_ac:
    mov ebx, cr0
    mov eax, ebx
    or eax, CR0_AM
    mov cr0, eax
    FAULT_AT_CPL3 "ac_misaligned_cpl3", EXC_AC, 0, EFL_RSV | EFL_AC, mov eax, [scratch + 1]
    ; Alignment checking applies at CPL 3 only, and only with EFLAGS.AC = 1.
    ARM .recover_cpl0
    pushfd
    or dword [esp], EFL_AC
    popfd
    mov eax, [scratch + 1]
    int VEC_RETURN
.recover_cpl0:
    EXPECT_EXC "ac_none_at_cpl0", VEC_RETURN, NOERR, ANY
    ARM .recover_noac
    TO_RING3 .user_noac, EFL_RSV
.user_noac:
    mov eax, [scratch + 1]
    RING3_DONE
.recover_noac:
    EXPECT_EXC "ac_none_without_eflags_ac", VEC_RETURN, NOERR, ANY
    mov cr0, ebx
    ret

section .data
align 8
bounds:     dd 0, 100               ; BOUND: lower, upper (inclusive)
scratch:    dd 0, 0

section .bss
alignb 4096
pf_absent:   resb 4096              ; PTE cleared: not present
pf_readonly: resb 4096              ; PTE: present, user, read-only
pf_kernel:   resb 4096              ; PTE: present, supervisor, writable
small_tss:   resb 104
