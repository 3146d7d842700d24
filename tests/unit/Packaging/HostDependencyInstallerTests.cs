using Sebs.Core;
using Sebs.Core.Packaging;
using Xunit;

namespace Sebs.Tests.Packaging;

/// <summary>The process sandbox's per-package virtual environment (--system-site-packages) and its fallbacks.</summary>
public class HostDependencyInstallerTests
{
    private static async Task<string> PythonVersionAsync()
    {
        var r = await ProcessRunner.RunAsync("python3", new[] { "-c", "import sys; print('%d.%d' % sys.version_info[:2])" });
        return r.StandardOutput.Trim();
    }

    private static string Package(string requirements)
    {
        var dir = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(dir, "requirements.txt"), requirements);
        return dir;
    }

    /// <summary>An "interpreter" that answers the requirements check with a fixed text and does nothing else.</summary>
    private static string FakePython(string dir, string answer)
    {
        var path = Path.Combine(dir, "fake-python");
        File.WriteAllText(path, $"#!/bin/sh\nprintf '{answer.Replace("\n", "\\n")}'\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task Requirements_the_host_has_get_a_virtual_environment_that_sees_them_and_survives_a_move()
    {
        var staging = Package("pip\n");
        var installer = new HostDependencyInstaller(virtualEnvironment: true);
        Assert.Equal("host-venv", installer.Description);

        await installer.InstallAsync(staging, "python", await PythonVersionAsync(), CancellationToken.None);

        var config = File.ReadAllText(Path.Combine(staging, ".venv", "pyvenv.cfg"));
        Assert.Contains("include-system-site-packages = true", config);
        // CodePackageBuilder moves the staging folder into place; the environment must work from there.
        var final = staging + "-final";
        Directory.Move(staging, final);
        var run = await ProcessRunner.RunAsync(Path.Combine(final, ".venv", "bin", "python3"),
            new[] { "-c", "import sys, importlib.metadata as m; m.version('pip'); print(sys.prefix)" });
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Path.Combine(final, ".venv"), run.StandardOutput.Trim());
        Directory.Delete(final, true);
    }

    [Fact]
    public async Task No_requirements_need_no_virtual_environment()
    {
        var dir = Package("# nothing\n");
        File.WriteAllText(Path.Combine(dir, "requirements.txt"), "");
        await new HostDependencyInstaller(virtualEnvironment: true).InstallAsync(dir, "python", "3.11", CancellationToken.None);
        Assert.False(Directory.Exists(Path.Combine(dir, ".venv")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task The_interpreter_that_lacks_fewer_requirements_is_the_base_and_missing_candidates_are_passed_over()
    {
        var dir = Package("pip\n");
        var version = await PythonVersionAsync();
        // Claims to lack pip: python3 has it, so the environment is python3's (the fake one could not make any).
        var lacking = FakePython(dir, $"# {version}\npip\n");
        var installer = new HostDependencyInstaller(virtualEnvironment: true, candidates: new[] { "/nonexistent/python3", lacking, "python3" });

        await installer.InstallAsync(dir, "python", version, CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(dir, ".venv", "bin", "python3")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task An_interpreter_of_the_requested_version_wins_over_one_that_lacks_nothing()
    {
        var dir = Package("pip\n");
        var version = await PythonVersionAsync();
        var otherVersion = FakePython(dir, "# 2.7\n");
        await new HostDependencyInstaller(virtualEnvironment: true, candidates: new[] { otherVersion, "python3" })
            .InstallAsync(dir, "python", version, CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(dir, ".venv", "bin", "python3")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task A_requirement_pip_cannot_install_is_unavailable_here_with_pips_reason_on_the_first_line()
    {
        // A local path that does not exist: pip fails without asking any index.
        var dir = Package("./no-such-project\n");
        var ex = await Assert.ThrowsAsync<UnavailableHereException>(() =>
            new HostDependencyInstaller(virtualEnvironment: true).InstallAsync(dir, "python", "3.11", CancellationToken.None));
        Assert.Equal(SebsErrorIds.PackageBuildFailed, ex.ErrorId);
        Assert.Equal(UnavailableReason.Dependency, ex.Reason);
        var first = ex.Message.Split('\n')[0];
        Assert.StartsWith("pip could not install ./no-such-project for ", first);
        Assert.Contains("(ERROR: ", first);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void The_check_output_lists_missing_requirements_without_the_version_line()
    {
        Assert.Equal(new[] { "torch", "pillow==10.3.0" }, HostDependencyInstaller.MissingFrom("# 3.11\ntorch\n pillow==10.3.0 \n"));
        Assert.Empty(HostDependencyInstaller.MissingFrom("# 3.11\n"));
    }
}
