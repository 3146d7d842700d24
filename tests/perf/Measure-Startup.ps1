<#
.SYNOPSIS
    Issue target: Import-Module of the built module stays under 100 ms in a fresh pwsh. Times it in -Runs fresh
    pwsh processes (min / median / max) and, with -FirstInvocation, the first Invoke-SebsBenchmark of a fresh pwsh.
.DESCRIPTION
    Each run is a new `pwsh -NoProfile -NonInteractive` that prints `Measure-Command { Import-Module <psd1> }` and how
    many methods its thread JIT-compiled meanwhile (a count does not depend on the machine's load, which on a 2-core
    machine shared with other work moves the milliseconds). The same is done for an empty manifest module: that is
    PowerShell's own cost of an Import-Module in a fresh process.

    pwsh keeps a multicore-JIT startup profile in $XDG_CACHE_HOME/powershell (StartupProfileData-NonInteractive),
    written by whichever pwsh exited last and replayed on a second core by the next, so another session's profile
    changes the figures. Each module measured here gets a private cache folder: two untimed runs record its profile,
    as a user's repeated sessions do (-ColdProfile instead starts every run without one, as the first pwsh on a new
    machine or in CI does). Telemetry and the update check are off in the child processes: they are pwsh's own
    background work, not the module's.

    -FirstInvocation then deploys 010.sleep in a process sandbox (one untimed run) and, in -InvocationRuns fresh
    processes, imports the module and times `Invoke-SebsBenchmark 010.sleep -Sandbox Process -Repetitions 1` on the
    running function: the invocation, the same less the handler's own BenchmarkMs (the client's share: JIT, catalog,
    cache, HTTP), and the whole process from the outside (pwsh start, import, invocation, exit).

    Several -ModulePath builds (say, with and without ReadyToRun) are measured in alternation, run by run, so that a
    change in the machine's load falls on all of them alike.
.EXAMPLE
    pwsh -NoProfile -File tests/perf/Measure-Startup.ps1
.EXAMPLE
    pwsh -NoProfile -File tests/perf/Measure-Startup.ps1 -ModulePath out/Sebs/Sebs.psd1,/tmp/il/Sebs/Sebs.psd1 -FirstInvocation -ColdProfile
#>
param(
    # Accepts a,b also through pwsh -File, which passes it as one string.
    [string[]]$ModulePath = @(Join-Path $PSScriptRoot '../../out/Sebs/Sebs.psd1'),
    [int]$Runs = 10,
    [switch]$FirstInvocation,
    [int]$InvocationRuns = 3,
    [switch]$ColdProfile,
    [string]$PwshPath = (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source
)
$ErrorActionPreference = 'Stop'
$ModulePath = @($ModulePath | ForEach-Object { $_ -split ',' } | Where-Object { $_ } | ForEach-Object { (Resolve-Path -LiteralPath $_).Path })
$work = Join-Path ([IO.Path]::GetTempPath()) ('sebs-startup-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $work | Out-Null

function Get-Stats([double[]]$v) {
    $s = @($v | Sort-Object)
    $n = $s.Count
    $median = if ($n % 2) { $s[($n - 1) / 2] } else { ($s[$n / 2 - 1] + $s[$n / 2]) / 2 }
    [pscustomobject]@{ Min = $s[0]; Median = $median; Max = $s[-1] }
}
function Get-LoadAverage { ((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ')[0..2] -join ' ' }

# The child reads its arguments from the environment, so no path needs quoting on a command line.
$importProbe = @'
$j0 = [System.Runtime.JitInfo]::GetCompiledMethodCount($true)
$ms = (Measure-Command { Import-Module $env:SEBS_STARTUP_MODULE }).TotalMilliseconds
$j1 = [System.Runtime.JitInfo]::GetCompiledMethodCount($true)
[string]::Format([cultureinfo]::InvariantCulture, 'RESULT {0} {1}', $ms, $j1 - $j0)
'@
$invokeProbe = @'
Import-Module $env:SEBS_STARTUP_MODULE
$j0 = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
$r = $null
$ms = (Measure-Command { $r = Invoke-SebsBenchmark 010.sleep -Sandbox Process -Repetitions 1 -CachePath $env:SEBS_STARTUP_CACHE }).TotalMilliseconds
$j1 = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
if (-not $r -or $r.Failed) { throw "010.sleep failed: $($r.ErrorMessage)" }
[string]::Format([cultureinfo]::InvariantCulture, 'RESULT {0} {1} {2}', $ms, $r.BenchmarkMs, $j1 - $j0)
'@
$cleanupProbe = @'
Import-Module $env:SEBS_STARTUP_MODULE
Get-SebsFunction -CachePath $env:SEBS_STARTUP_CACHE | Remove-SebsFunction -CachePath $env:SEBS_STARTUP_CACHE -Force
'RESULT 0'
'@

# One fresh pwsh for one subject; returns the numbers after RESULT and the process's wall-clock time.
function Invoke-Child([string]$Probe, $Subject) {
    if ($ColdProfile) { Remove-Item -Recurse -Force $Subject.ProfileDir -ErrorAction SilentlyContinue }
    $env:XDG_CACHE_HOME = $Subject.ProfileDir
    $env:SEBS_STARTUP_MODULE = $Subject.Module
    $env:SEBS_STARTUP_CACHE = $Subject.Cache
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $out = & $PwshPath -NoProfile -NonInteractive -Command $Probe 2>&1
    $sw.Stop()
    $line = @($out | Where-Object { "$_" -like 'RESULT *' })[-1]
    if ($LASTEXITCODE -ne 0 -or -not $line) { throw "child pwsh failed for $($Subject.Module): $($out -join "`n")" }
    $values = @(("$line" -split ' ') | Select-Object -Skip 1 | ForEach-Object { [double]::Parse($_, [cultureinfo]::InvariantCulture) })
    [pscustomobject]@{ Values = $values; ProcessMs = $sw.Elapsed.TotalMilliseconds }
}

# -Count runs of each subject, alternating between subjects; the untimed warm-up runs record each one's profile.
function Invoke-Rounds([string]$Probe, $Subjects, [int]$Count, [int]$WarmUp) {
    $samples = @{}
    foreach ($s in $Subjects) { $samples[$s.Label] = [Collections.Generic.List[object]]::new() }
    for ($i = -$WarmUp; $i -lt $Count; $i++) {
        foreach ($s in $Subjects) {
            $sample = Invoke-Child $Probe $s
            if ($i -ge 0) { $samples[$s.Label].Add($sample) }
        }
    }
    $samples
}

function New-Row([string]$Label, [int]$Count, [double[]]$Ms, $Jit) {
    $s = Get-Stats $Ms
    [pscustomobject]@{
        Measure = $Label; Runs = $Count
        MinMs = [math]::Round($s.Min, 1); MedianMs = [math]::Round($s.Median, 1); MaxMs = [math]::Round($s.Max, 1)
        JitMethods = $Jit
    }
}

$saved = @{}
foreach ($name in 'XDG_CACHE_HOME', 'SEBS_STARTUP_MODULE', 'SEBS_STARTUP_CACHE', 'POWERSHELL_TELEMETRY_OPTOUT', 'POWERSHELL_UPDATECHECK') {
    $saved[$name] = [Environment]::GetEnvironmentVariable($name)
}
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:POWERSHELL_UPDATECHECK = 'Off'
$deployed = [Collections.Generic.List[object]]::new()
try {
    $empty = Join-Path $work 'Empty'
    New-Item -ItemType Directory $empty | Out-Null
    Set-Content (Join-Path $empty 'Empty.psm1') ''
    Set-Content (Join-Path $empty 'Empty.psd1') "@{ ModuleVersion = '1.0'; RootModule = 'Empty.psm1' }"
    $index = 0
    $subjects = @(foreach ($m in $ModulePath) {
            $index++
            $label = if ($ModulePath.Count -gt 1) { "[$index] " } else { '' }
            [pscustomobject]@{ Label = $label; Module = $m; ProfileDir = Join-Path $work "profile-$index"; Cache = Join-Path $work "cache-$index" }
        })
    $emptySubject = [pscustomobject]@{ Label = 'empty'; Module = Join-Path $empty 'Empty.psd1'; ProfileDir = Join-Path $work 'profile-empty'; Cache = '' }

    $loadBefore = Get-LoadAverage
    $warmUp = if ($ColdProfile) { 0 } else { 2 }
    $rows = [Collections.Generic.List[object]]::new()
    $imports = Invoke-Rounds $importProbe (@($subjects) + $emptySubject) $Runs $warmUp
    foreach ($s in $subjects) {
        $samples = $imports[$s.Label]
        $rows.Add((New-Row "$($s.Label)Import-Module Sebs" $Runs ($samples | ForEach-Object { $_.Values[0] }) (Get-Stats ($samples | ForEach-Object { $_.Values[1] })).Median))
    }
    $samples = $imports['empty']
    $rows.Add((New-Row 'Import-Module of an empty module' $Runs ($samples | ForEach-Object { $_.Values[0] }) (Get-Stats ($samples | ForEach-Object { $_.Values[1] })).Median))

    if ($FirstInvocation) {
        foreach ($s in $subjects) { $deployed.Add($s); $null = Invoke-Child $invokeProbe $s }   # builds the package, starts the sandbox
        $invocations = Invoke-Rounds $invokeProbe $subjects $InvocationRuns 0
        foreach ($s in $subjects) {
            $samples = $invocations[$s.Label]
            $rows.Add((New-Row "$($s.Label)First Invoke-SebsBenchmark 010.sleep" $InvocationRuns ($samples | ForEach-Object { $_.Values[0] }) (Get-Stats ($samples | ForEach-Object { $_.Values[2] })).Median))
            $rows.Add((New-Row "$($s.Label)  the same less BenchmarkMs" $InvocationRuns ($samples | ForEach-Object { $_.Values[0] - $_.Values[1] }) $null))
            $rows.Add((New-Row "$($s.Label)  whole pwsh process" $InvocationRuns ($samples | ForEach-Object { $_.ProcessMs }) $null))
        }
    }

    $psVersion = & $PwshPath -NoProfile -NonInteractive -Command '"$($PSVersionTable.PSVersion) on .NET $([Environment]::Version)"'
    foreach ($s in $subjects) { "Module $($s.Label): $($s.Module)" }
    "pwsh:     $PwshPath ($psVersion)"
    "Profile:  $(if ($ColdProfile) { 'none (every run starts without a startup profile)' } else { 'private per module, recorded by 2 untimed runs' })"
    "Load avg: $loadBefore before, $(Get-LoadAverage) after"
    $rows | Format-Table -AutoSize | Out-String -Width 200
    'JitMethods: median count of methods JIT-compiled while the measured command ran; for Import-Module on the importing'
    'thread (the startup profile is replayed on another), for the invocation on all threads (it uses the thread pool).'
}
finally {
    # A sandbox outlives the processes that used it; stop each one (in a child: two builds cannot share a session).
    foreach ($s in $deployed) { try { $null = Invoke-Child $cleanupProbe $s } catch { Write-Warning $_ } }
    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
