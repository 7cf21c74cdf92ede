; privilege.asm -- moving between ring 0 and ring 3: IRET, RETF, call gates, interrupt
; and trap gates, and the stack switch through the TSS.
;
; Intel SDM vol. 3:
;   5.8.5/5.8.6  a far CALL through a call gate to a more privileged, non-conforming code
;                segment switches to the stack SS0:ESP0 from the TSS, pushes the caller's
;                SS and ESP, copies "dword count" parameters from the caller's stack, then
;                pushes CS and EIP (figure 5-13).  RETF n pops EIP and CS, skips n bytes,
;                pops ESP and SS, and releases n bytes on the caller's stack as well.
;   5.8.6        returning to an outer level (RETF or IRET) loads null into any of DS, ES,
;                FS, GS that holds a data or non-conforming code segment with DPL < the
;                new CPL, so ring 3 cannot keep a kernel segment.
;   6.12.1       INT n from ring 3 through a DPL-3 gate: stack switch to SS0:ESP0, then
;                push SS, ESP, EFLAGS, CS, EIP (figure 6-4).  An interrupt gate clears IF,
;                a trap gate does not (6.12.1.2); IRET restores EFLAGS.
;   5.8.4        a call gate's DPL must be >= CPL and >= RPL, else #GP(gate selector).
;
; Checks (ring-3 code stores what it sees in memory, ring-0 code checks it afterwards):
;   ring3_code_ran_to_the_end (no fault on the way),
;   iret_to_ring3_{cs,ss,esp}, iret_nulls_{ds,es}_dpl0_data, iret_nulls_gs_dpl0_code,
;   iret_keeps_fs_dpl3_data;
;   callgate_{cs,ss}_ring0, callgate_stack_is_esp0, callgate_pushed_{eip,cs,esp,ss},
;   callgate_param_{0,1}; retf_n_{cs,releases_params};
;   callgate_dpl0_from_ring3_gp;
;   intgate_stack_is_esp0, intgate_pushed_{eip,cs,eflags,esp,ss}, intgate_clears_if,
;   iret_restores_if, trapgate_keeps_if;
;   retf_ring3_code_ran, retf_to_ring3_{cs,ss,esp}, retf_nulls_ds_dpl0_data.

%include "lib.inc"

SEL_GATE3   equ SEL_FREE + 0x00         ; call gate, DPL 3, 2 dwords copied
SEL_GATE0   equ SEL_FREE + 0x08         ; call gate, DPL 0
VEC_INTGATE  equ 0x31                   ; DPL-3 interrupt gate
VEC_TRAPGATE equ 0x32                   ; DPL-3 trap gate
PARAM_A     equ 0x11111111              ; pushed first (ends up deeper)
PARAM_B     equ 0x22222222              ; pushed last

section .text
test_main:
    SET_CALLGATE SEL_GATE3, SEL_KCODE, callgate_handler, ACC_CALLGATE | ACC_DPL(3), 2
    SET_CALLGATE SEL_GATE0, SEL_KCODE, callgate_handler, ACC_CALLGATE, 0
    SET_IDT VEC_INTGATE, SEL_KCODE, intgate_handler, ACC_INTGATE | ACC_DPL(3)
    SET_IDT VEC_TRAPGATE, SEL_KCODE, trapgate_handler, ACC_TRAPGATE | ACC_DPL(3)
    call t_iret_and_gates
    call t_callgate_dpl
    call t_retf_to_ring3
    ret

; IRET to ring 3 with a mix of segments in DS/ES/FS/GS; ring 3 then uses a call gate,
; an interrupt gate and a trap gate, and comes back through VEC_RETURN.
t_iret_and_gates:
    ARM .back
    mov ax, SEL_KDATA               ; DPL 0 data: must be nulled
    mov ds, ax
    mov es, ax
    mov ax, SEL_UDATA               ; DPL 3 data: must be kept
    mov fs, ax
    mov ax, SEL_KCODE               ; DPL 0 readable code: must be nulled
    mov gs, ax
    push dword SEL_UDATA
    push dword ustack_top
    push dword EFL_RSV | EFL_IF     ; IF = 1, so that the gates' effect on IF shows
    push dword SEL_UCODE
    push dword ring3_main
    iretd
.back:
    EXPECT_EXC "ring3_code_ran_to_the_end", VEC_RETURN, NOERR, ANY

    CHECK_EQ "iret_to_ring3_cs", dword [r3_cs], SEL_UCODE
    CHECK_EQ "iret_to_ring3_ss", dword [r3_ss], SEL_UDATA
    CHECK_EQ "iret_to_ring3_esp", dword [r3_esp], ustack_top
    CHECK_EQ "iret_nulls_ds_dpl0_data", dword [r3_ds], 0
    CHECK_EQ "iret_nulls_es_dpl0_data", dword [r3_es], 0
    CHECK_EQ "iret_nulls_gs_dpl0_code", dword [r3_gs], 0
    CHECK_EQ "iret_keeps_fs_dpl3_data", dword [r3_fs], SEL_UDATA

    ; call gate: ring 0 side (figure 5-13: EIP, CS, params, ESP, SS from the top)
    CHECK_EQ "callgate_cs_ring0", dword [cg_cs], SEL_KCODE
    CHECK_EQ "callgate_ss_is_ss0", dword [cg_ss], SEL_KDATA
    CHECK_EQ "callgate_stack_is_esp0", dword [cg_esp], tss_stack_top - 6 * 4
    CHECK_EQ "callgate_pushed_eip", dword [cg_frame + 0], ring3_main.after_call
    CHECK_EQ "callgate_pushed_cs", dword [cg_frame + 4], SEL_UCODE
    CHECK_EQ "callgate_param_0", dword [cg_frame + 8], PARAM_B
    CHECK_EQ "callgate_param_1", dword [cg_frame + 12], PARAM_A
    mov eax, [r3_esp_at_call]
    CHECK_EQ "callgate_pushed_esp", dword [cg_frame + 16], eax
    CHECK_EQ "callgate_pushed_ss", dword [cg_frame + 20], SEL_UDATA
    ; RETF 8: back in ring 3 with the 2 parameters released from the ring-3 stack too
    CHECK_EQ "retf_n_cs", dword [r3_cs_after_ret], SEL_UCODE
    mov eax, [r3_esp_at_call]
    add eax, 8
    CHECK_EQ "retf_n_releases_params", dword [r3_esp_after_ret], eax

    ; interrupt gate (figure 6-4: EIP, CS, EFLAGS, ESP, SS from the top)
    CHECK_EQ "intgate_stack_is_esp0", dword [ig_esp], tss_stack_top - 5 * 4
    CHECK_EQ "intgate_pushed_eip", dword [ig_frame + 0], ring3_main.after_int
    CHECK_EQ "intgate_pushed_cs", dword [ig_frame + 4], SEL_UCODE
    CHECK_MASK "intgate_pushed_eflags", dword [ig_frame + 8], \
        EFL_IF | EFL_IOPL3 | EFL_VM | EFL_RSV, EFL_IF | EFL_RSV
    mov eax, [r3_esp_at_int]
    CHECK_EQ "intgate_pushed_esp", dword [ig_frame + 12], eax
    CHECK_EQ "intgate_pushed_ss", dword [ig_frame + 16], SEL_UDATA
    CHECK_MASK "intgate_clears_if", dword [ig_eflags_inside], EFL_IF, 0
    CHECK_MASK "iret_restores_if", dword [r3_eflags_after_iret], EFL_IF, EFL_IF
    CHECK_MASK "trapgate_keeps_if", dword [tg_eflags_inside], EFL_IF, EFL_IF
    ret

; A DPL-0 call gate cannot be used from ring 3 [5.8.4].
t_callgate_dpl:
    FAULT_AT_CPL3 "callgate_dpl0_from_ring3_gp", EXC_GP, SEL_GATE0, EFL_RSV, \
        call (SEL_GATE0 | 3):0
    ret

; RETF to an outer level: pops EIP, CS, then ESP, SS; nulls DS if it is DPL 0.
t_retf_to_ring3:
    ARM .back
    mov ax, SEL_KDATA
    mov ds, ax
    push dword SEL_UDATA
    push dword ustack_top - 64
    push dword SEL_UCODE
    push dword ring3_after_retf
    retf
.back:
    EXPECT_EXC "retf_ring3_code_ran", VEC_RETURN, NOERR, ANY
    CHECK_EQ "retf_to_ring3_cs", dword [r3_cs], SEL_UCODE
    CHECK_EQ "retf_to_ring3_ss", dword [r3_ss], SEL_UDATA
    CHECK_EQ "retf_to_ring3_esp", dword [r3_esp], ustack_top - 64
    CHECK_EQ "retf_nulls_ds_dpl0_data", dword [r3_ds], 0
    ret

; ---- ring 3 ----------------------------------------------------------------------

; SAVE_SELECTORS: store ESP and CS SS DS ES FS GS through SS, the one data segment
; ring 3 is sure to have right after the return.
%macro SAVE_SELECTORS 0
    mov [ss:r3_esp], esp
    xor eax, eax
    mov ax, cs
    mov [ss:r3_cs], eax
    mov ax, ss
    mov [ss:r3_ss], eax
    mov ax, ds
    mov [ss:r3_ds], eax
    mov ax, es
    mov [ss:r3_es], eax
    mov ax, fs
    mov [ss:r3_fs], eax
    mov ax, gs
    mov [ss:r3_gs], eax
%endmacro

ring3_main:
    SAVE_SELECTORS
    mov ax, SEL_UDATA
    mov ds, ax
    mov es, ax

    push dword PARAM_A
    push dword PARAM_B
    mov [r3_esp_at_call], esp
    call (SEL_GATE3 | 3):0          ; the offset is ignored: the gate supplies it
.after_call:
    mov [r3_esp_after_ret], esp
    xor eax, eax
    mov ax, cs
    mov [r3_cs_after_ret], eax

    mov [r3_esp_at_int], esp
    int VEC_INTGATE
.after_int:
    pushfd
    pop dword [r3_eflags_after_iret]
    int VEC_TRAPGATE
    RING3_DONE

ring3_after_retf:
    SAVE_SELECTORS
    RING3_DONE

; ---- ring 0 handlers, entered from ring 3 ------------------------------------------
; DS is still the ring-3 data segment here; it is flat, so it is used as is.

callgate_handler:
    mov [cg_esp], esp
    xor eax, eax
    mov ax, cs
    mov [cg_cs], eax
    mov ax, ss
    mov [cg_ss], eax
    mov esi, esp
    mov edi, cg_frame
    mov ecx, 6
    rep movsd
    retf 8

intgate_handler:
    mov [ig_esp], esp
    pushfd
    pop dword [ig_eflags_inside]
    mov esi, esp
    mov edi, ig_frame
    mov ecx, 5
    rep movsd
    iretd

trapgate_handler:
    pushfd
    pop dword [tg_eflags_inside]
    iretd

section .data
align 4
r3_esp:               dd 0          ; what ring 3 saw on entry
r3_cs:                dd 0
r3_ss:                dd 0
r3_ds:                dd 0
r3_es:                dd 0
r3_fs:                dd 0
r3_gs:                dd 0
r3_esp_at_call:       dd 0          ; ESP just before the far call (params pushed)
r3_esp_after_ret:     dd 0
r3_cs_after_ret:      dd 0
r3_esp_at_int:        dd 0
r3_eflags_after_iret: dd 0
cg_esp:               dd 0          ; call gate handler: ESP, CS, SS on entry
cg_cs:                dd 0
cg_ss:                dd 0
cg_frame:             times 6 dd 0
ig_esp:               dd 0          ; interrupt gate handler
ig_eflags_inside:     dd 0
ig_frame:             times 5 dd 0
tg_eflags_inside:     dd 0          ; trap gate handler
