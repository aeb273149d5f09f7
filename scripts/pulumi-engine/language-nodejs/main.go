// pulumi-language-nodejs for scripts/pulumi-engine.sh.
//
// Pulumi's own Node.js language host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which the Go module proxy
// reachable here does not serve, and the sdk/v3 module zip leaves that folder out. This is a small
// language host written for this project against the published gRPC contract
// (github.com/pulumi/pulumi/sdk/v3/proto/go, LanguageRuntime). It does what `pulumi preview`,
// `up`, `destroy` and `about` need from a Node.js host:
//
//   - Run: starts `node <@pulumi/pulumi/cmd/run> --monitor=... <program>` in the program folder,
//     resolved from the program's own node_modules, with the config in PULUMI_CONFIG and the
//     runtime options of Pulumi.yaml (typescript, tsconfig, nodeargs) as the SDK expects them;
//     exit code 32 (error already reported by the SDK) becomes a bail.
//   - GetRequiredPackages / GetRequiredPlugins: scans node_modules for packages whose package.json
//     declares {"pulumi": {"resource": true}} (e.g. @pulumi/kubernetes asks for its plugin version).
//   - GetPluginInfo, Handshake, About, GetProgramDependencies, InstallDependencies (npm install),
//     RuntimeOptionsPrompts. Code generation, packing, linking and RunPlugin are left unimplemented.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// exitAfterLoggedError is the exit code @pulumi/pulumi's run script uses once it has reported the
// error to the user itself (nodeJSProcessExitedAfterLoggingUserActionableMessage).
const exitAfterLoggedError = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string

	mu       sync.Mutex
	children map[*os.Process]struct{}
}

func main() {
	fs := flag.NewFlagSet("pulumi-language-nodejs", flag.ContinueOnError)
	tracing := fs.String("tracing", "", "emit tracing to a Zipkin-compatible endpoint")
	_ = fs.Bool("logtostderr", false, "log to stderr (accepted, unused)")
	_ = fs.Bool("logflow", false, "flow logging settings to child processes (accepted, unused)")
	_ = fs.Int("v", 0, "log verbosity (accepted, unused)")
	_ = fs.String("root", "", "project root (accepted, unused: the engine sends it with each request)")
	_ = fs.Bool("typescript", true, "accepted, unused: read from the runtime options of each request")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	h := &host{tracing: *tracing, children: map[*os.Process]struct{}{}}
	if fs.NArg() > 0 {
		h.engineAddress = fs.Arg(0)
	}

	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads exactly one line from stdout: the port.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// ---- runtime options of Pulumi.yaml ---------------------------------------------------------

type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func parseOptions(s *structpb.Struct) runtimeOptions {
	o := runtimeOptions{typescript: true}
	if s == nil {
		return o
	}
	m := s.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		o.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok && strings.TrimSpace(v) != "" {
		o.nodeargs = strings.Fields(v)
	}
	return o
}

// ---- node and @pulumi/pulumi ----------------------------------------------------------------

func nodeBinary() (string, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return "", errors.New("could not find node on the $PATH: Node.js must be installed to run a Pulumi Node.js program")
	}
	return node, nil
}

// resolveModule asks node itself to resolve a module from dir, so the SDK's own copy is used
// (symlinked node_modules, workspaces and parent folders included).
func resolveModule(ctx context.Context, node, dir, module string) (string, error) {
	script := fmt.Sprintf("process.stdout.write(require.resolve(%q, {paths: [%q]}))", module, dir)
	cmd := exec.CommandContext(ctx, node, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("it looks like the Pulumi SDK has not been installed (could not resolve %s from %s); "+
			"have you run `npm install`? (%v)", module, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// ---- Run ------------------------------------------------------------------------------------

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	node, err := nodeBinary()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	info := req.GetInfo()
	pwd := req.GetPwd()
	if info != nil && info.GetProgramDirectory() != "" {
		pwd = info.GetProgramDirectory()
	}
	if pwd == "" {
		pwd, _ = os.Getwd()
	}
	program := req.GetProgram()
	if info != nil && info.GetEntryPoint() != "" {
		program = info.GetEntryPoint()
	}
	if program == "" {
		program = "."
	}
	runScript, err := resolveModule(ctx, node, pwd, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts := parseOptions(info.GetOptions())

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runScript)
	if req.GetMonitorAddress() != "" {
		args = append(args, "--monitor="+req.GetMonitorAddress())
	}
	if h.engineAddress != "" {
		args = append(args, "--engine="+h.engineAddress)
	}
	if req.GetProject() != "" {
		args = append(args, "--project="+req.GetProject())
	}
	if req.GetStack() != "" {
		args = append(args, "--stack="+req.GetStack())
	}
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	if info != nil && info.GetRootDirectory() != "" {
		args = append(args, "--root-directory="+info.GetRootDirectory())
	}
	args = append(args, "--pwd="+pwd)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		args = append(args, fmt.Sprintf("--parallel=%d", req.GetParallel()))
	}
	if h.tracing != "" {
		args = append(args, "--tracing="+h.tracing)
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secrets),
		fmt.Sprintf("PULUMI_NODEJS_TYPESCRIPT=%t", opts.typescript),
	)
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.Command(node, args...)
	cmd.Dir = pwd
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	h.track(cmd.Process, true)
	err = cmd.Wait()
	h.track(cmd.Process, false)
	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited due to signal %v", ws.Signal())}, nil
		}
		if exit.ExitCode() == exitAfterLoggedError {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
	}
	return &pulumirpc.RunResponse{Error: err.Error()}, nil
}

func (h *host) track(p *os.Process, add bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if add {
		h.children[p] = struct{}{}
	} else {
		delete(h.children, p)
	}
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for p := range h.children {
		_ = p.Signal(os.Interrupt)
	}
	return &emptypb.Empty{}, nil
}

// ---- required packages ----------------------------------------------------------------------

type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// nodeModulesChain lists the node_modules folders Node would search from dir, nearest first.
func nodeModulesChain(dir string) []string {
	var chain []string
	for d := dir; ; d = filepath.Dir(d) {
		nm := filepath.Join(d, "node_modules")
		if st, err := os.Stat(nm); err == nil && st.IsDir() {
			chain = append(chain, nm)
		}
		if filepath.Dir(d) == d {
			return chain
		}
	}
}

// packageDirs lists the package folders directly inside one node_modules folder (scoped ones too).
func packageDirs(nm string) []string {
	entries, err := os.ReadDir(nm)
	if err != nil {
		return nil
	}
	var dirs []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(nm, name)
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			continue
		}
		if strings.HasPrefix(name, "@") {
			scoped, _ := os.ReadDir(p)
			for _, s := range scoped {
				sp := filepath.Join(p, s.Name())
				if st, err := os.Stat(sp); err == nil && st.IsDir() {
					dirs = append(dirs, sp)
				}
			}
			continue
		}
		dirs = append(dirs, p)
	}
	return dirs
}

func (h *host) requiredPackages(dir string) ([]*pulumirpc.PackageDependency, error) {
	seen := map[string]bool{}
	var deps []*pulumirpc.PackageDependency
	var walk func(nm string, depth int)
	walk = func(nm string, depth int) {
		for _, pd := range packageDirs(nm) {
			if p, err := readPackageJSON(filepath.Join(pd, "package.json")); err == nil &&
				p.Pulumi != nil && p.Pulumi.Resource {
				name := p.Pulumi.Name
				if name == "" {
					name = strings.TrimPrefix(p.Name, "@pulumi/")
				}
				v := p.Pulumi.Version
				if v == "" {
					v = p.Version
				}
				if v != "" && !strings.HasPrefix(v, "v") {
					v = "v" + v
				}
				key := name + "@" + v
				if !seen[key] {
					seen[key] = true
					deps = append(deps, &pulumirpc.PackageDependency{
						Kind: "resource", Name: name, Version: v, Server: p.Pulumi.Server,
					})
				}
			}
			if depth < 8 {
				if nested := filepath.Join(pd, "node_modules"); isDir(nested) {
					walk(nested, depth+1)
				}
			}
		}
	}
	for _, nm := range nodeModulesChain(dir) {
		walk(nm, 0)
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name+deps[i].Version < deps[j].Name+deps[j].Version })
	return deps, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	deps, err := h.requiredPackages(programDir(req.GetInfo(), ""))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: deps}, nil
}

func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	deps, err := h.requiredPackages(programDir(req.GetInfo(), req.GetPwd()))
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(deps))
	for _, d := range deps {
		plugins = append(plugins, &pulumirpc.PluginDependency{Name: d.Name, Kind: d.Kind, Version: d.Version, Server: d.Server})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// ---- about, dependencies, install -----------------------------------------------------------

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := nodeBinary()
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

func (h *host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd())
	p, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, fmt.Errorf("reading package.json: %w", err)
	}
	names := map[string]bool{}
	for n := range p.Dependencies {
		names[n] = true
	}
	if req.GetTransitiveDependencies() {
		for n := range p.DevDependencies {
			names[n] = true
		}
	}
	var deps []*pulumirpc.DependencyInfo
	chain := nodeModulesChain(dir)
	for n := range names {
		for _, nm := range chain {
			if q, err := readPackageJSON(filepath.Join(nm, n, "package.json")); err == nil {
				deps = append(deps, &pulumirpc.DependencyInfo{Name: n, Version: q.Version})
				break
			}
		}
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

type streamWriter struct {
	send   func(*pulumirpc.InstallDependenciesResponse) error
	stderr bool
}

func (w streamWriter) Write(b []byte) (int, error) {
	c := append([]byte{}, b...)
	r := &pulumirpc.InstallDependenciesResponse{Stdout: c}
	if w.stderr {
		r = &pulumirpc.InstallDependenciesResponse{Stderr: c}
	}
	if err := w.send(r); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	srv grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := programDir(req.GetInfo(), req.GetDirectory())
	npm, err := exec.LookPath("npm")
	if err != nil {
		return status.Error(codes.FailedPrecondition, "npm is not on the $PATH")
	}
	var mu sync.Mutex
	send := func(r *pulumirpc.InstallDependenciesResponse) error {
		mu.Lock()
		defer mu.Unlock()
		return srv.Send(r)
	}
	cmd := exec.CommandContext(srv.Context(), npm, "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	outR, outW := io.Pipe()
	cmd.Stdout = outW
	cmd.Stderr = streamWriter{send: send, stderr: true}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			_ = send(&pulumirpc.InstallDependenciesResponse{Stdout: append(sc.Bytes(), '\n')})
		}
	}()
	err = cmd.Run()
	_ = outW.Close()
	<-done
	if err != nil {
		return fmt.Errorf("npm install in %s: %w", dir, err)
	}
	return nil
}
