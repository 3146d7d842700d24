<#
.SYNOPSIS
    Issue target: Sebs keeps up with wrk. Requests per second of Invoke-SebsBenchmark and of wrk against the same warm
    function, Sebs's client CPU per invocation, and the server's CPU share, at several concurrencies.
.DESCRIPTION
    Deploys 010.sleep (sleep = 0) in a process sandbox, then for each run and each concurrency:
      - wrk: -c <concurrency> for -Seconds seconds, POSTing the same payload (a Lua script sets method and body), once
        before and once after each Sebs measurement; Sebs is compared with the mean of the two;
      - Sebs: Invoke-SebsBenchmark -Repetitions <Requests> -Concurrency <concurrency> on the warm function, timed on
        the wall clock; the client CPU is this process's CPU time over the run, divided by the invocations;
      - the server's CPU share: the sandbox process's CPU seconds per wall second during each measurement.
    Prints min / median / max over -Runs runs, and Sebs's throughput as a fraction of wrk's (target: >= 0.9 at 50).
    Client and server share this machine's cores; -Pin puts this process on core 0 and the server on core 1
    (taskset), so the figure is not the scheduler's split. Needs wrk (Debian package).

    A fresh pwsh compiles code for its first tens of thousands of invocations (tiered JIT of PowerShell, the framework
    and the module), on a core the server needs. So the script first measures one run of -Requests at concurrency 50
    in this fresh process ("first run"), then warms up in rounds of what it measures (wrk, then -Requests of Sebs) until
    the warm-up holds -WarmupCalls calls of Invoke-SebsBenchmark and its last three rounds each compiled for less than
    20 ms (at most -WarmupInvocations), and only then the table's runs. The runtime recompiles a method at full
    optimisation after its 30th call (tiered compilation's call-count threshold), so what runs once per call of the
    cmdlet (PowerShell's command processing, the module's set-up) is recompiled at once around the 30th call: a burst
    of 200-550 ms and some 700 methods here, which a warm-up that stopped at the first quiet round put into the
    measured runs. Every figure also prints the JIT time it contained (all threads, from System.Runtime.JitInfo) and
    the client CPU without it: compiling goes on in the background for whatever the script itself ran, so the two
    costs are told apart rather than mixed.
.EXAMPLE
    pwsh -NoProfile -File tests/perf/Measure-Throughput.ps1 -Runs 3
#>
param(
    [string]$ModulePath = (Join-Path $PSScriptRoot '../../out/Sebs/Sebs.psd1'),
    # Accepts 1,10,50 also through pwsh -File, which passes it as one string.
    [string[]]$Concurrency = @('1', '10', '50', '200'),
    [int]$Requests = 3000,
    [int]$Seconds = 5,
    [int]$Runs = 3,
    [int]$WarmupInvocations = 150000,
    # Calls of Invoke-SebsBenchmark before the measured runs (deployment, first run and warm-up rounds together).
    [int]$WarmupCalls = 36,
    [ValidateSet('python', 'nodejs')][string]$Language = 'python',
    [switch]$Pin
)
$ErrorActionPreference = 'Stop'
$Concurrency = @($Concurrency | ForEach-Object { $_ -split ',' } | Where-Object { $_ } | ForEach-Object { [int]$_ })
if (-not (Get-Command wrk -ErrorAction SilentlyContinue)) { throw 'wrk is not installed (apt-get install wrk).' }
Import-Module $ModulePath -Force
$work = Join-Path ([IO.Path]::GetTempPath()) ('sebs-throughput-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $work | Out-Null
$cache = Join-Path $work 'cache'
$common = @{ Language = $Language; Sandbox = 'Process'; CachePath = $cache; Payload = @{ sleep = 0 } }

function Get-Stats([double[]]$v) {
    $s = @($v | Sort-Object)
    $n = $s.Count
    $median = if ($n % 2) { $s[($n - 1) / 2] } else { ($s[$n / 2 - 1] + $s[$n / 2]) / 2 }
    [pscustomobject]@{ Min = $s[0]; Median = $median; Max = $s[-1] }
}
function Format-Stats($s, [string]$f = '0') { '{0} / {1} / {2}' -f $s.Min.ToString($f), $s.Median.ToString($f), $s.Max.ToString($f) }
function Get-JitMilliseconds { [System.Runtime.JitInfo]::GetCompilationTime($false).TotalMilliseconds }
function Measure-Sebs([int]$Count, [int]$Width, [string]$Path) {
    # Wall clock, this process's CPU and its JIT time over one Invoke-SebsBenchmark.
    $me = Get-Process -Id $PID
    $cpu0 = $me.TotalProcessorTime.TotalSeconds
    $jit0 = Get-JitMilliseconds
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $null = Invoke-SebsBenchmark 010.sleep @common -Repetitions $Count -Concurrency $Width -ResultsPath $Path
    $sw.Stop()
    $me.Refresh()
    [pscustomobject]@{
        Rps   = $Count / $sw.Elapsed.TotalSeconds
        CpuUs = ($me.TotalProcessorTime.TotalSeconds - $cpu0) / $Count * 1e6
        JitMs = (Get-JitMilliseconds) - $jit0
        Wall  = $sw.Elapsed.TotalSeconds
    }
}
function Get-CpuSeconds([int]$ProcessId) {
    # utime + stime of a process, from /proc (clock ticks); works for any process, unlike Get-Process across users.
    $f = (Get-Content "/proc/$ProcessId/stat" -Raw) -replace '^.*\) ', ''
    $parts = $f -split ' '
    ([double]$parts[11] + [double]$parts[12]) / 100.0
}

try {
    $null = Invoke-SebsBenchmark 010.sleep @common -Repetitions 50 -Concurrency 10 -ResultsPath (Join-Path $work 'warmup.jsonl')
    $function = Get-SebsFunction -CachePath $cache | Where-Object Language -eq $Language
    $url = $function.Url
    $serverPid = [int]$function.InstanceId
    if ($Pin) {
        & taskset -p 0x1 $PID | Out-Null
        & taskset -a -p 0x2 $serverPid | Out-Null
    }
    $lua = Join-Path $work 'post.lua'
    "wrk.method = 'POST'`nwrk.body = '{""sleep"": 0}'`nwrk.headers['Content-Type'] = 'application/json'" | Set-Content $lua
    Write-Host "Function $($function.Name) at $url (server pid $serverPid); $Runs run(s); pinned: $([bool]$Pin)"

    $first = Measure-Sebs $Requests 50 (Join-Path $work 'first.jsonl')
    Write-Host ("first run in this process, c=50: sebs {0:0} req/s, client CPU {1:0} us/inv, of which JIT {2:0} ms ({3:0} us/inv)" -f `
            $first.Rps, $first.CpuUs, $first.JitMs, ($first.JitMs * 1000 / $Requests))
    function Measure-Wrk([int]$c, [int]$WrkSeconds) {
        # wrk's rate and the server's CPU share during it.
        $s0 = Get-CpuSeconds $serverPid
        $wrkCmd = @(if ($Pin) { 'taskset', '-c', '0', 'wrk' } else { 'wrk' })
        $threads = [Math]::Min(2, $c)
        $out = & $wrkCmd[0] @($wrkCmd | Select-Object -Skip 1) -t $threads -c $c -d "${WrkSeconds}s" -s $lua $url 2>&1 | Out-String
        $s1 = Get-CpuSeconds $serverPid
        if ($out -notmatch 'Requests/sec:\s+([\d.]+)') { throw "wrk printed no rate:`n$out" }
        [pscustomobject]@{ Rps = [double]$Matches[1]; Server = ($s1 - $s0) / $WrkSeconds }
    }
    function Measure-Pair([int]$c, [int]$WrkSeconds, [string]$Path) {
        # Sebs between two wrk runs on the same warm function, against their mean: this machine's speed drifts over
        # seconds (wrk alone moves by 20 % from one run to the next), and bracketing cancels a drift during the pair.
        $before = Measure-Wrk $c $WrkSeconds
        $s0 = Get-CpuSeconds $serverPid
        $m = Measure-Sebs $Requests $c $Path
        $s1 = Get-CpuSeconds $serverPid
        $after = Measure-Wrk $c $WrkSeconds
        [pscustomobject]@{
            WrkRps = ($before.Rps + $after.Rps) / 2; ServerWrk = ($before.Server + $after.Server) / 2
            Sebs = $m; ServerSebs = ($s1 - $s0) / $m.Wall
        }
    }

    # Warm-up in rounds of exactly what is measured (wrk, the CPU readings and Sebs), so that what the script itself
    # runs is compiled too: otherwise its background recompilation lands in the measured runs, on a core the server needs.
    $calls = 2   # the deployment and the first run
    $quietRounds = 0
    for ($done = 0; $done -lt $WarmupInvocations; $done += $Requests) {
        $warm = Measure-Pair 50 1 (Join-Path $work 'warmup-2.jsonl')
        $calls++
        $quietRounds = if ($warm.Sebs.JitMs -lt 20) { $quietRounds + 1 } else { 0 }
        Write-Host ("warm-up round {0} of {1}: {2:0} req/s, {3:0} us/inv, JIT {4:0} ms" -f ($calls - 2), $Requests, $warm.Sebs.Rps, $warm.Sebs.CpuUs, $warm.Sebs.JitMs)
        if ($calls -ge $WarmupCalls -and $quietRounds -ge 3) { break }
    }
    Write-Host ("warmed up: {0} calls of Invoke-SebsBenchmark, {1} quiet round(s) at the end" -f $calls, $quietRounds)

    $rows = @{}
    foreach ($run in 1..$Runs) {
        foreach ($c in $Concurrency) {
            $key = "$c"
            if (-not $rows[$key]) { $rows[$key] = @{ Wrk = @(); Sebs = @(); Ratio = @(); CpuUs = @(); JitMs = @(); NoJitUs = @(); ServerSebs = @(); ServerWrk = @() } }
            $r = $rows[$key]
            $p = Measure-Pair $c $Seconds (Join-Path $work "run-$run-$c.jsonl")
            $m = $p.Sebs
            $r.Wrk += $p.WrkRps
            $r.ServerWrk += $p.ServerWrk
            $r.Sebs += $m.Rps
            $r.Ratio += $m.Rps / $p.WrkRps
            $r.CpuUs += $m.CpuUs
            $r.JitMs += $m.JitMs
            $r.NoJitUs += $m.CpuUs - $m.JitMs * 1000 / $Requests
            $r.ServerSebs += $p.ServerSebs
            Write-Host ("run {0} c={1,-4} wrk {2,8:0} req/s   sebs {3,8:0} req/s   ratio {4:0.00}   client CPU {5,6:0} us/inv   JIT {6,4:0} ms" -f $run, $c, $p.WrkRps, $m.Rps, ($m.Rps / $p.WrkRps), $m.CpuUs, $m.JitMs)
        }
    }
    ''
    'min / median / max over {0} run(s)' -f $Runs
    $table = foreach ($c in $Concurrency) {
        $r = $rows["$c"]
        [pscustomobject]@{
            Concurrency          = $c
            'wrk req/s'          = Format-Stats (Get-Stats $r.Wrk)
            'Sebs req/s'         = Format-Stats (Get-Stats $r.Sebs)
            'Sebs/wrk'           = Format-Stats (Get-Stats $r.Ratio) '0.00'
            'client CPU us/inv'  = Format-Stats (Get-Stats $r.CpuUs)
            'JIT ms'             = Format-Stats (Get-Stats $r.JitMs)
            'CPU w/o JIT us/inv' = Format-Stats (Get-Stats $r.NoJitUs)
            'server CPU (Sebs)'  = Format-Stats (Get-Stats $r.ServerSebs) '0.00'
            'server CPU (wrk)'   = Format-Stats (Get-Stats $r.ServerWrk) '0.00'
        }
    }
    $table | Format-Table -AutoSize | Out-String -Width 200
}
finally {
    Get-SebsFunction -CachePath $cache | Remove-SebsFunction -CachePath $cache -Force -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
