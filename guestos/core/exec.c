/*
 * Program images. exec builds the new address space beside the old one: each
 * PT_LOAD becomes a region backed by the program file (pages are filled on
 * first touch), and the stack gets argc, argv, envp and an empty auxiliary
 * vector (uapi/syscall.h, "Process entry"). Only when all of that worked does
 * the new image replace the old. init's programs start the same way, in a new
 * process.
 */
#include <kernel.h>

static const char *basename(const char *path)
{
	const char *slash = strchr(path, '/');
	while (slash) {
		path = slash + 1;
		slash = strchr(path, '/');
	}
	return path;
}

/*
 * Pages of each segment's file part mapped at once, while the new page tables
 * are still ordinary memory (no hypercall): a program's first steps would
 * fault them in one by one, each fault a bounce and an mmu_update.
 */
#define PREFAULT_PAGES 8

static int map_program(struct vm *vm, const uint8_t *image, const struct elf_program *prog)
{
	for (unsigned i = 0; i < prog->nr; i++) {
		const struct elf_segment *s = &prog->seg[i];
		uint32_t start = PAGE_ROUND_DOWN(s->vaddr);
		int rc = vm_map(vm, start, PAGE_ROUND_UP(s->vaddr + s->memsz), s->prot,
				image + s->offset, s->vaddr, s->vaddr + s->filesz);
		uint32_t prefault = (s->prot & ARCH_PROT_READ) ? PREFAULT_PAGES : 0;
		for (uint32_t n = 0;
		     !rc && n < prefault && start + n * PAGE_SIZE < s->vaddr + s->filesz; n++)
			rc = vm_fault(vm, start + n * PAGE_SIZE,
				      s->prot & ARCH_PROT_WRITE ? VM_FAULT_WRITE : 0);
		if (rc)
			return rc;
	}
	vm->brk_base = vm->brk = prog->end;
	return vm_map(vm, USER_STACK_BOTTOM, USER_END, ARCH_PROT_READ | ARCH_PROT_WRITE, NULL, 0,
		      0);
}

/* The initial stack: strings at the top, then argc, argv, envp and auxv below. */
static int build_stack(struct vm *vm, const struct exec_args *args, uint32_t *sp_out)
{
	uint32_t nwords = 1 + (uint32_t)args->argc + 1 + (uint32_t)args->envc + 1 + 2;
	uint32_t str_va = (USER_END - args->len) & ~3u;
	uint32_t sp = (str_va - nwords * 4) & ~15u;
	uint32_t *w = kmalloc(nwords * 4);
	if (!w)
		return -UAPI_ENOMEM;
	uint32_t n = 0, at = str_va;
	const char *s = args->strings;
	w[n++] = (uint32_t)args->argc;
	for (int i = 0; i < args->argc + args->envc; i++) {
		size_t len = strlen(s) + 1;
		w[n++] = at;
		at += (uint32_t)len, s += len;
		if (i + 1 == args->argc)
			w[n++] = 0; /* argv's end */
	}
	if (args->argc == 0)
		w[n++] = 0;
	w[n++] = 0;	       /* envp's end */
	w[n++] = UAPI_AT_NULL; /* auxv: only its end */
	w[n++] = 0;
	int rc = vm_write(vm, str_va, args->strings, args->len);
	if (!rc)
		rc = vm_write(vm, sp, w, nwords * 4);
	kfree(w);
	*sp_out = sp;
	return rc;
}

int exec_image(struct proc *p, const char *path, const struct exec_args *args)
{
	size_t len;
	struct elf_program prog;
	const char *why;
	const uint8_t *image = vfs_program(path, &len);
	if (!image)
		return -UAPI_ENOENT;
	int rc = elf_program_check(image, len, &prog, &why);
	if (rc) {
		printk("exec: %s: %s\n", path, why);
		return rc;
	}
	struct vm *vm = vm_create();
	uint32_t sp = 0;
	if (!vm)
		return -UAPI_ENOMEM;
	if ((rc = map_program(vm, image, &prog)) || (rc = build_stack(vm, args, &sp)) ||
	    (rc = arch_as_ready(vm->as))) {
		vm_destroy(vm);
		return rc;
	}
	/* The point of no return. */
	struct vm *old = p->vm;
	p->vm = vm;
	vm_destroy(old); /* loaded: the arch takes it down with the switch below */
	if (p == proc_current()) {
		arch_as_switch(vm->as);
		arch_fpu_reset();
	}
	fd_close_on_exec(p);
	signal_exec(p);
	strlcpy(p->name, basename(path), sizeof(p->name));
	arch_regs_init(arch_user_regs(thread_kstack_top(p->thread)), prog.entry, sp);
	return 0;
}

/* Copy a NULL-terminated user vector of strings into args. */
static int collect(struct exec_args *args, uint32_t uvec, bool env)
{
	for (uint32_t i = 0; uvec; i++) {
		uint32_t ptr;
		if (copy_from_user(&ptr, uvec + 4 * i, 4))
			return -UAPI_EFAULT;
		if (!ptr)
			return 0;
		long n =
		    strncpy_from_user(args->strings + args->len, ptr, USER_ARG_MAX - args->len);
		if (n < 0)
			return n == -UAPI_ENAMETOOLONG ? -UAPI_E2BIG : (int)n;
		args->len += (uint32_t)n + 1;
		*(env ? &args->envc : &args->argc) += 1;
		if ((uint32_t)(args->argc + args->envc + 4) * 4 + args->len > USER_ARG_MAX)
			return -UAPI_E2BIG;
	}
	return 0;
}

SYSCALL_DEFINE(execve)
{
	char path[256];
	struct exec_args args = { kmalloc(USER_ARG_MAX), 0, 0, 0 };
	long rc = strncpy_from_user(path, a[0], sizeof(path));
	if (rc >= 0)
		rc = args.strings ? 0 : -UAPI_ENOMEM;
	if (!rc)
		rc = collect(&args, a[1], false);
	if (!rc)
		rc = collect(&args, a[2], true);
	if (!rc)
		rc = exec_image(proc_current(), path, &args);
	kfree(args.strings);
	return rc;
}

static void user_start(void *arg)
{
	(void)arg;
	arch_enter_user(arch_user_regs(thread_kstack_top(thread_current())));
}

int proc_spawn(const char *path, int argc, const char *const argv[])
{
	struct exec_args args = { kmalloc(USER_ARG_MAX), 0, 0, 0 };
	struct proc *p = args.strings ? proc_alloc(&kproc, basename(path)) : NULL;
	if (p && !(p->thread = thread_create(p, user_start, p))) {
		proc_free(p);
		p = NULL;
	}
	if (!p) {
		kfree(args.strings);
		return -UAPI_ENOMEM;
	}
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (args.len + n + (uint32_t)(argc + 4) * 4 > USER_ARG_MAX)
			break;
		memcpy(args.strings + args.len, argv[i], n);
		args.len += (uint32_t)n;
		args.argc++;
	}
	for (int fd = 0; fd < 3; fd++)
		p->files[fd] = file_dup(console_file());
	arch_fpu_reset();
	arch_fpu_save(p->thread->fpu);
	int rc = exec_image(p, path, &args);
	kfree(args.strings);
	if (rc) {
		fd_close_all(p);
		thread_free(p->thread);
		proc_free(p);
		return rc;
	}
	return p->pid;
}
