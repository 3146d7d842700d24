<#
.SYNOPSIS
    Throughput of one load host against three at the same total concurrency (Invoke-SebsBenchmark -Session).
.DESCRIPTION
    Starts three sshd stand-in hosts on 127.0.0.1 (tests/infra/sshd), deploys 010.sleep on the local platform and runs
    the same number of invocations with the same total -Concurrency twice: all from one host, then split over three.
    Also runs the same invocations from the caller itself (no remoting) as the baseline. Prints invocations per
    second (wall time of the invocation phase: from the first ClientBegin to the last ClientEnd, on the caller's clock),
    the median client time, and the whole command's time (sessions already open; deployment reused).

    On one machine the "hosts" share its cores with the caller and the function server, so three hosts cannot add
    capacity here: the figure shows what the fan-out costs (extra processes, remoting, serialisation), not what
    separate machines would gain. Report it as measured.
.EXAMPLE
    pwsh -NoProfile -File tests/perf/Measure-ScaleOut.ps1 -Count 300 -Concurrency 6
#>
param(
    [string]$ModulePath = (Join-Path $PSScriptRoot '../../out/Sebs/Sebs.psd1'),
    [int]$Count = 300,
    [int]$Concurrency = 6,
    [double]$SleepSeconds = 0.02,
    [ValidateSet('Process', 'Docker')][string]$Sandbox = 'Process'
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot '../infra/sshd/SshTestHosts.psm1') -Force
$root = Join-Path ([IO.Path]::GetTempPath()) ("sebs-scaleout-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$cache = Join-Path $root 'cache'
$lab = Start-SshTestHosts -Count 3 -Root (Join-Path $root 'ssh')
$common = @{ Language = 'python'; Sandbox = $Sandbox; CachePath = $cache; Payload = @{ sleep = $SleepSeconds } }

function Measure-Run([string]$Label, [hashtable]$Extra) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $r = @(Invoke-SebsBenchmark 010.sleep -Repetitions $Count -Concurrency $Concurrency -ResultsPath (Join-Path $root "$Label.jsonl") @common @Extra)
    $sw.Stop()
    $ok = @($r | Where-Object { -not $_.Failed })
    $first = ($ok.Times.ClientBegin | Measure-Object -Minimum).Minimum
    $last = ($ok.Times.ClientEnd | Measure-Object -Maximum).Maximum
    $span = ($last - $first).TotalSeconds
    $client = @($ok.ClientMs | Sort-Object)
    [pscustomobject]@{
        Run                 = $Label
        Hosts               = @($r.ClientHost | Where-Object { $_ } | Sort-Object -Unique).Count
        Invocations         = $r.Count
        Failed              = $r.Count - $ok.Count
        InvocationsPerSec   = [math]::Round($ok.Count / $span, 1)
        MedianClientMs      = [math]::Round($client[[int]($client.Count / 2)], 2)
        CommandSeconds      = [math]::Round($sw.Elapsed.TotalSeconds, 2)
    }
}

try {
    $sessions = @(New-SshTestSession $lab)
    $remote = @{ RemoteModulePath = $ModulePath }
    # Deploy once and warm every path (sandbox, host imports, connections) before measuring.
    Invoke-SebsBenchmark 010.sleep -Repetitions $Concurrency -Concurrency $Concurrency -Session $sessions @remote @common | Out-Null
    $rows = @(
        Measure-Run 'caller' @{}
        Measure-Run 'one-host' (@{ Session = $sessions[0] } + $remote)
        Measure-Run 'three-hosts' (@{ Session = $sessions } + $remote)
    )
    $rows | Format-Table -AutoSize | Out-String | Write-Host
    Write-Host ("{0} invocations of 010.sleep ({1} s), total concurrency {2}, {3} cores shared by caller, hosts and function: " -f
        $Count, $SleepSeconds, $Concurrency, [Environment]::ProcessorCount) -NoNewline
    Write-Host ("three hosts / one host = {0:0.00}x." -f ($rows[2].InvocationsPerSec / $rows[1].InvocationsPerSec))
    Write-Host 'The hosts share this machine with the caller and the function server: this shows the cost of the fan-out, not the gain of separate machines.'
} finally {
    Get-PSSession | Remove-PSSession -ErrorAction SilentlyContinue
    Get-SebsFunction -CachePath $cache -ErrorAction SilentlyContinue | Remove-SebsFunction -CachePath $cache -Force -ErrorAction SilentlyContinue
    Stop-SshTestHosts $lab
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}
