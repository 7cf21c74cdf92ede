; task.asm -- hardware task switching through TSS descriptors and task gates.
;
; Intel SDM vol. 3 chapter 7 ("Task Management"):
;   7.3   a task switch saves the current general registers, segment selectors, EFLAGS and
;         EIP (of the next instruction) in the current TSS, then loads all of them, CR3
;         and LDTR from the new TSS; TR then selects the new TSS; CR0.TS is set.
;   7.4   CALL (and INT through a task gate) nests: the new TSS's previous-task link gets
;         the old TR, EFLAGS.NT is set in the new task and both TSS descriptors are busy;
;         IRET with NT = 1 returns to the linked task, marks the old one not busy and
;         clears NT in the EFLAGS image saved in its TSS.  JMP does not nest: NT is not
;         set, the link is not written, the old descriptor is marked not busy.
;         (Table 7-2, "Effect of a task switch on busy flag, NT flag, previous task link
;         field and TS flag".)
;   7.3   JMP or CALL to a busy TSS raises #GP(TSS selector).
;
; Four tasks: main (lib.inc's TSS, TR at start), A (entered by JMP), B (by CALL), C
; (by INT through a task gate).  Each task checks what it can see of the switch that
; started it; main checks, after coming back, what the switch saved.
;
; Checks:
;   JMP to A: jmp_loads_{eax,ebx,ecx,edx,esi,edi,ebp,esp}, jmp_loads_tr, jmp_sets_ts,
;     jmp_leaves_nt_clear, jmp_marks_new_busy, jmp_clears_old_busy, jmp_leaves_link,
;     jmp_saves_{eip,ebx,esi,esp,cs,ss,ds}; back in main: jmp_back_restores_ebx,
;     jmp_back_sets_ts, jmp_back_busy_{main,a}, jmp_back_saved_a_{eip,edi};
;   CALL to B: call_sets_nt, call_writes_link, call_keeps_old_busy, call_marks_new_busy,
;     call_loads_tr, call_sets_ts; IRET: iret_returns_to_caller_eip, iret_restores_ebx,
;     iret_restores_caller_nt_clear, iret_clears_busy_of_b, iret_keeps_main_busy,
;     iret_saves_b_eip, iret_saves_b_ebx, iret_clears_nt_in_saved_b_eflags, iret_sets_ts;
;   INT through a task gate to C: taskgate_sets_nt, taskgate_writes_link,
;     taskgate_loads_tr, taskgate_saves_eip_after_int, taskgate_iret_back;
;   jmp_to_busy_tss_gp.

%include "lib.inc"

SEL_TSS_A equ SEL_FREE + 0x00
SEL_TSS_B equ SEL_FREE + 0x08
SEL_TSS_C equ SEL_FREE + 0x10
VEC_TASKGATE equ 0x40

; BUSY_BIT name, selector, 0 | 2: check bit 1 of the descriptor type (9 = available,
; 0xB = busy).
%macro CHECK_BUSY 3
    movzx eax, byte [gdt + ((%2) & ~7) + 5]
    CHECK_MASK %1, eax, 0x0F, 0x09 | (%3)
%endmacro
BUSY equ 2
FREE equ 0

section .text
test_main:
    mov edi, tss_a
    mov eax, task_a
    mov ebx, stack_a_top
    call init_tss
    mov dword [tss_a + TSS_EAX], 0xA0A0A0A0
    mov dword [tss_a + TSS_EBX], 0xA0A0A0A1
    mov dword [tss_a + TSS_ECX], 0xA0A0A0A2
    mov dword [tss_a + TSS_EDX], 0xA0A0A0A3
    mov dword [tss_a + TSS_ESI], 0xA0A0A0A4
    mov dword [tss_a + TSS_EDI], 0xA0A0A0A5
    mov dword [tss_a + TSS_EBP], 0xA0A0A0A6
    mov edi, tss_b
    mov eax, task_b
    mov ebx, stack_b_top
    call init_tss
    mov edi, tss_c
    mov eax, task_c
    mov ebx, stack_c_top
    call init_tss
    SET_SEG SEL_TSS_A, tss_a, TSS_SIZE - 1, ACC_TSS32, 0
    SET_SEG SEL_TSS_B, tss_b, TSS_SIZE - 1, ACC_TSS32, 0
    SET_SEG SEL_TSS_C, tss_c, TSS_SIZE - 1, ACC_TSS32, 0
    SET_IDT VEC_TASKGATE, SEL_TSS_C, 0, ACC_TASKGATE

    call t_jmp
    call t_call
    call t_task_gate
    FAULT_AT_CPL0 "jmp_to_busy_tss_gp", EXC_GP, SEL_TSS, jmp SEL_TSS:0
    ret

; init_tss(edi = TSS, eax = EIP, ebx = ESP): a ring-0 flat task with interrupts off.
init_tss:
    push eax
    push ecx
    push edi
    mov ecx, TSS_SIZE / 4
    xor eax, eax
    rep stosd
    pop edi
    pop ecx
    pop eax
    mov [edi + TSS_EIP], eax
    mov [edi + TSS_ESP], ebx
    mov dword [edi + TSS_EFLAGS], EFL_RSV
    mov dword [edi + TSS_CS], SEL_KCODE
    mov dword [edi + TSS_SS], SEL_KDATA
    mov dword [edi + TSS_DS], SEL_KDATA
    mov dword [edi + TSS_ES], SEL_KDATA
    mov dword [edi + TSS_FS], SEL_KDATA
    mov dword [edi + TSS_GS], SEL_KDATA
    mov word [edi + TSS_IOMAP], TSS_SIZE    ; past the limit: no I/O bitmap
    push eax
    mov eax, cr3
    mov [edi + TSS_CR3], eax
    pop eax
    ret

; ---- JMP: main -> A -> main ---------------------------------------------------------

t_jmp:
    mov ebx, 0xCAFE0001
    mov esi, 0xCAFE0002
    mov [main_esp_at_switch], esp
    clts
    jmp SEL_TSS_A:0                 ; the offset is ignored
.resumed:                           ; A jumps back to main: execution continues here
    CHECK_EQ "jmp_back_restores_ebx", ebx, 0xCAFE0001
    mov eax, cr0
    CHECK_MASK "jmp_back_sets_ts", eax, CR0_TS, CR0_TS
    CHECK_BUSY "jmp_back_busy_main", SEL_TSS, BUSY
    CHECK_BUSY "jmp_back_busy_a", SEL_TSS_A, FREE
    CHECK_EQ "jmp_back_saved_a_eip", dword [tss_a + TSS_EIP], task_a.after_jmp
    CHECK_EQ "jmp_back_saved_a_edi", dword [tss_a + TSS_EDI], 0xA1A1A1A1
    ret

task_a:
    CHECK_EQ "jmp_loads_eax", eax, 0xA0A0A0A0
    CHECK_EQ "jmp_loads_ebx", ebx, 0xA0A0A0A1
    CHECK_EQ "jmp_loads_ecx", ecx, 0xA0A0A0A2
    CHECK_EQ "jmp_loads_edx", edx, 0xA0A0A0A3
    CHECK_EQ "jmp_loads_esi", esi, 0xA0A0A0A4
    CHECK_EQ "jmp_loads_edi", edi, 0xA0A0A0A5
    CHECK_EQ "jmp_loads_ebp", ebp, 0xA0A0A0A6
    mov eax, esp
    CHECK_EQ "jmp_loads_esp", eax, stack_a_top
    xor eax, eax
    str ax
    CHECK_EQ "jmp_loads_tr", eax, SEL_TSS_A
    mov eax, cr0
    CHECK_MASK "jmp_sets_ts", eax, CR0_TS, CR0_TS
    pushfd
    pop eax
    CHECK_MASK "jmp_leaves_nt_clear", eax, EFL_NT, 0
    CHECK_BUSY "jmp_marks_new_busy", SEL_TSS_A, BUSY
    CHECK_BUSY "jmp_clears_old_busy", SEL_TSS, FREE
    CHECK_EQ "jmp_leaves_link", dword [tss_a + TSS_LINK], 0
    ; what the switch saved of main, in main's TSS
    CHECK_EQ "jmp_saves_eip", dword [tss_main + TSS_EIP], t_jmp.resumed
    CHECK_EQ "jmp_saves_ebx", dword [tss_main + TSS_EBX], 0xCAFE0001
    CHECK_EQ "jmp_saves_esi", dword [tss_main + TSS_ESI], 0xCAFE0002
    mov eax, [main_esp_at_switch]
    CHECK_EQ "jmp_saves_esp", dword [tss_main + TSS_ESP], eax
    CHECK_MASK "jmp_saves_cs", dword [tss_main + TSS_CS], 0xFFFF, SEL_KCODE
    CHECK_MASK "jmp_saves_ss", dword [tss_main + TSS_SS], 0xFFFF, SEL_KDATA
    CHECK_MASK "jmp_saves_ds", dword [tss_main + TSS_DS], 0xFFFF, SEL_KDATA
    clts                            ; so that main can see the switch back set TS
    mov edi, 0xA1A1A1A1
    jmp SEL_TSS:0                   ; main's TSS is not busy any more: JMP cleared it
.after_jmp:
    FAIL "task_a_resumed", "nobody should switch back to task A"
    jmp lib_finish

; ---- CALL: main -> B, IRET: B -> main -----------------------------------------------

t_call:
    mov ebx, 0xCAFE0011
    clts
    call SEL_TSS_B:0
.returned:
    CHECK_EQ "iret_restores_ebx", ebx, 0xCAFE0011
    pushfd
    pop eax
    CHECK_MASK "iret_restores_caller_nt_clear", eax, EFL_NT, 0
    CHECK_BUSY "iret_clears_busy_of_b", SEL_TSS_B, FREE
    CHECK_BUSY "iret_keeps_main_busy", SEL_TSS, BUSY
    CHECK_EQ "iret_saves_b_eip", dword [tss_b + TSS_EIP], task_b.after_iret
    CHECK_EQ "iret_saves_b_ebx", dword [tss_b + TSS_EBX], 0xB1B1B1B1
    CHECK_MASK "iret_clears_nt_in_saved_b_eflags", dword [tss_b + TSS_EFLAGS], EFL_NT, 0
    mov eax, cr0
    CHECK_MASK "iret_sets_ts", eax, CR0_TS, CR0_TS
    CHECK_EQ "iret_returns_to_caller_eip", dword [tss_main + TSS_EIP], t_call.returned
    ret

task_b:
    pushfd
    pop eax
    CHECK_MASK "call_sets_nt", eax, EFL_NT, EFL_NT
    CHECK_MASK "call_writes_link", dword [tss_b + TSS_LINK], 0xFFFF, SEL_TSS
    CHECK_BUSY "call_keeps_old_busy", SEL_TSS, BUSY
    CHECK_BUSY "call_marks_new_busy", SEL_TSS_B, BUSY
    xor eax, eax
    str ax
    CHECK_EQ "call_loads_tr", eax, SEL_TSS_B
    mov eax, cr0
    CHECK_MASK "call_sets_ts", eax, CR0_TS, CR0_TS
    clts
    mov ebx, 0xB1B1B1B1
    iretd                           ; NT = 1: back to the task in the link field
.after_iret:
    FAIL "task_b_resumed", "nobody should switch back to task B"
    jmp lib_finish

; ---- INT through a task gate: main -> C, IRET: C -> main -----------------------------

t_task_gate:
    int VEC_TASKGATE
.returned:
    PASS "taskgate_iret_back"
    ret

task_c:
    pushfd
    pop eax
    CHECK_MASK "taskgate_sets_nt", eax, EFL_NT, EFL_NT
    CHECK_MASK "taskgate_writes_link", dword [tss_c + TSS_LINK], 0xFFFF, SEL_TSS
    xor eax, eax
    str ax
    CHECK_EQ "taskgate_loads_tr", eax, SEL_TSS_C
    CHECK_EQ "taskgate_saves_eip_after_int", dword [tss_main + TSS_EIP], t_task_gate.returned
    iretd
    FAIL "task_c_resumed", "nobody should switch back to task C"
    jmp lib_finish

section .data
main_esp_at_switch: dd 0

section .bss
alignb 16
tss_a: resb TSS_SIZE
tss_b: resb TSS_SIZE
tss_c: resb TSS_SIZE
alignb 16
       resb 4096
stack_a_top:
       resb 4096
stack_b_top:
       resb 4096
stack_c_top:
