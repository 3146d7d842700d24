<#
.SYNOPSIS
    Issue target: Sebs keeps up with wrk. Requests per second of Invoke-SebsBenchmark and of wrk against the same warm
    function, Sebs's client CPU per invocation, and the server's CPU share, at several concurrencies.
.DESCRIPTION
    Deploys 010.sleep (sleep = 0) in a process sandbox, then for each run and each concurrency:
      - wrk: -c <concurrency> for -Seconds seconds, POSTing the same payload (a Lua script sets method and body);
      - Sebs: Invoke-SebsBenchmark -Repetitions <Requests> -Concurrency <concurrency> on the warm function, timed on
        the wall clock; the client CPU is this process's CPU time over the run, divided by the invocations;
      - the server's CPU share: the sandbox process's CPU seconds per wall second during each measurement.
    Prints min / median / max over -Runs runs, and Sebs's throughput as a fraction of wrk's (target: >= 0.9 at 50).
    Client and server share this machine's cores; -Pin puts this process on core 0 and the server on core 1
    (taskset), so the figure is not the scheduler's split. Needs wrk (Debian package).
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

    $rows = @{}
    foreach ($run in 1..$Runs) {
        foreach ($c in $Concurrency) {
            $key = "$c"
            if (-not $rows[$key]) { $rows[$key] = @{ Wrk = @(); Sebs = @(); Ratio = @(); CpuUs = @(); ServerSebs = @(); ServerWrk = @() } }
            $r = $rows[$key]

            $s0 = Get-CpuSeconds $serverPid
            $wrkCmd = @(if ($Pin) { 'taskset', '-c', '0', 'wrk' } else { 'wrk' })
            $threads = [Math]::Min(2, $c)
            $out = & $wrkCmd[0] @($wrkCmd | Select-Object -Skip 1) -t $threads -c $c -d "${Seconds}s" -s $lua $url 2>&1 | Out-String
            $s1 = Get-CpuSeconds $serverPid
            if ($out -notmatch 'Requests/sec:\s+([\d.]+)') { throw "wrk printed no rate:`n$out" }
            $wrkRps = [double]$Matches[1]
            $r.ServerWrk += ($s1 - $s0) / $Seconds

            $me = Get-Process -Id $PID
            $cpu0 = $me.TotalProcessorTime.TotalSeconds
            $s0 = Get-CpuSeconds $serverPid
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $null = Invoke-SebsBenchmark 010.sleep @common -Repetitions $Requests -Concurrency $c -ResultsPath (Join-Path $work "run-$run-$c.jsonl")
            $sw.Stop()
            $me.Refresh()
            $cpu1 = $me.TotalProcessorTime.TotalSeconds
            $s1 = Get-CpuSeconds $serverPid
            $sebsRps = $Requests / $sw.Elapsed.TotalSeconds
            $r.Wrk += $wrkRps
            $r.Sebs += $sebsRps
            $r.Ratio += $sebsRps / $wrkRps
            $r.CpuUs += ($cpu1 - $cpu0) / $Requests * 1e6
            $r.ServerSebs += ($s1 - $s0) / $sw.Elapsed.TotalSeconds
            Write-Host ("run {0} c={1,-4} wrk {2,8:0} req/s   sebs {3,8:0} req/s   ratio {4:0.00}   client CPU {5,6:0} us/inv" -f $run, $c, $wrkRps, $sebsRps, ($sebsRps / $wrkRps), (($cpu1 - $cpu0) / $Requests * 1e6))
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
