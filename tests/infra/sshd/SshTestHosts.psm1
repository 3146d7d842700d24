# Stand-in load hosts for the remoting tests: sshd instances on 127.0.0.1, each on its own port with its own config,
# host key and PowerShell subsystem, key authentication only, and a known_hosts file written for them. Everything
# lives in one temp folder made per test run; Stop-SshTestHosts stops the sshd processes it started (by their ids).

function Find-Pwsh {
    $exe = (Get-Process -Id $PID).Path
    if ($exe -and (Split-Path -Leaf $exe) -like 'pwsh*') { return $exe }
    (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

<#
.SYNOPSIS Starts Count sshd instances on 127.0.0.1. Environment adds per-host SetEnv lines (index → hashtable).
Returns one object per host: Name (127.0.0.1:port), Port, Pid, Config, plus the shared UserName, KeyFilePath, KnownHosts.
#>
function Start-SshTestHosts {
    param([int]$Count = 3, [string]$Root = (Join-Path ([IO.Path]::GetTempPath()) ("sebs-ssh-" + [guid]::NewGuid().ToString('N').Substring(0, 8))),
          [hashtable]$Environment = @{})
    $sshd = '/usr/sbin/sshd'
    if (-not (Test-Path $sshd)) { throw "openssh-server is not installed ($sshd missing); tests/infra/start-services.sh installs it." }
    New-Item -ItemType Directory -Force -Path $Root | Out-Null
    # sshd refuses to start without its privilege-separation directory.
    if (-not (Test-Path /run/sshd)) { New-Item -ItemType Directory -Path /run/sshd | Out-Null }
    $clientKey = Join-Path $Root 'client_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -f $clientKey | Out-Null
    Copy-Item "$clientKey.pub" (Join-Path $Root 'authorized_keys')
    & chmod 600 $clientKey (Join-Path $Root 'authorized_keys')
    $pwsh = Find-Pwsh
    $knownHosts = Join-Path $Root 'known_hosts'
    $userName = [Environment]::UserName
    $hosts = for ($i = 0; $i -lt $Count; $i++) {
        $port = Get-FreePort
        $dir = Join-Path $Root "host$i"
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        $hostKey = Join-Path $dir 'ssh_host_ed25519_key'
        & ssh-keygen -q -t ed25519 -N '' -f $hostKey | Out-Null
        $setEnv = if ($Environment.ContainsKey($i)) { ($Environment[$i].GetEnumerator() | ForEach-Object { "SetEnv $($_.Key)=$($_.Value)" }) -join "`n" } else { '' }
        $config = Join-Path $dir 'sshd_config'
        @"
ListenAddress 127.0.0.1
Port $port
HostKey $hostKey
PidFile $(Join-Path $dir 'sshd.pid')
AuthorizedKeysFile $(Join-Path $Root 'authorized_keys')
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
LogLevel ERROR
Subsystem powershell $pwsh -sshs -NoLogo -NoProfile
$setEnv
"@ | Set-Content -Path $config
        & $sshd -t -f $config
        if ($LASTEXITCODE -ne 0) { throw "sshd rejected $config" }
        $log = Join-Path $dir 'sshd.log'
        # -D: stay in the foreground so the process we start is the listener whose id we keep; -e: log to stderr (the file).
        # Both streams to files: an sshd holding the test's stdout open would keep a calling pipe from ending.
        $proc = Start-Process -FilePath $sshd -ArgumentList @('-D', '-e', '-f', $config) -RedirectStandardError $log `
            -RedirectStandardOutput (Join-Path $dir 'sshd.out') -PassThru
        $pub = (Get-Content "$hostKey.pub").Split(' ')
        Add-Content -Path $knownHosts -Value "[127.0.0.1]:$port $($pub[0]) $($pub[1])"
        [pscustomobject]@{ Name = "127.0.0.1:$port"; Port = $port; Pid = $proc.Id; Config = $config; Log = $log; Index = $i }
    }
    foreach ($h in $hosts) {
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ($true) {
            $c = [System.Net.Sockets.TcpClient]::new()
            try { $c.Connect('127.0.0.1', $h.Port); break } catch { } finally { $c.Dispose() }
            if ([DateTime]::UtcNow -gt $deadline) { throw "sshd on port $($h.Port) did not listen: $(Get-Content $h.Log -Raw)" }
            Start-Sleep -Milliseconds 100
        }
    }
    [pscustomobject]@{
        Root = $Root; Hosts = @($hosts); UserName = $userName; KeyFilePath = $clientKey; KnownHosts = $knownHosts
        Options = @{ UserKnownHostsFile = $knownHosts; StrictHostKeyChecking = 'yes'; BatchMode = 'yes' }
    }
}

<# .SYNOPSIS Opens one PSSession per host over SSH (New-PSSession -HostName -Options: Invoke-Command -SSHConnection ignores Options in 7.6). #>
function New-SshTestSession {
    param([Parameter(Mandatory)]$Lab, [object[]]$Hosts = $Lab.Hosts)
    foreach ($h in $Hosts) {
        New-PSSession -HostName 127.0.0.1 -Port $h.Port -UserName $Lab.UserName -KeyFilePath $Lab.KeyFilePath -Options $Lab.Options -ErrorAction Stop
    }
}

<# .SYNOPSIS The ids of the processes serving a host's connections (its per-connection sshd children and their pwsh), from /proc. #>
function Get-SshTestHostChildren {
    param([Parameter(Mandatory)]$TestHost)
    $children = @{}
    foreach ($stat in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$') {
        try { $fields = (Get-Content "/proc/$($stat.Name)/stat" -Raw -ErrorAction Stop) -replace '^.*\) ', '' -split ' ' } catch { continue }
        $children[[int]$stat.Name] = [int]$fields[1]
    }
    $result = [System.Collections.Generic.List[int]]::new()
    $frontier = @($TestHost.Pid)
    while ($frontier.Count) {
        $next = @($children.GetEnumerator() | Where-Object { $frontier -contains $_.Value } | ForEach-Object Key)
        $result.AddRange([int[]]$next)
        $frontier = $next
    }
    $result.ToArray()
}

<# .SYNOPSIS Stops the sshd listeners this module started and whatever they started, by process id. #>
function Stop-SshTestHosts {
    param([Parameter(Mandatory)]$Lab, [switch]$KeepFiles)
    foreach ($h in $Lab.Hosts) {
        foreach ($id in @(Get-SshTestHostChildren $h) + $h.Pid) { Stop-Process -Id $id -Force -ErrorAction SilentlyContinue }
    }
    if (-not $KeepFiles) { Remove-Item -Recurse -Force $Lab.Root -ErrorAction SilentlyContinue }
}

Export-ModuleMember -Function Start-SshTestHosts, New-SshTestSession, Get-SshTestHostChildren, Stop-SshTestHosts, Find-Pwsh
